import Archive
import ArgumentParser
import CameraRegistry
import Events
import Foundation

/// `skygate report availability`: online and fault-free shares per camera, grid or key location.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports over the recorded history.", subcommands: [AvailabilityCommand.self])

    struct AvailabilityCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "availability",
            abstract: "Online % (在线率) and fault-free % (完好率) per camera, grid or key location, per day or for a range.",
            discussion: """
                Monitored time is when the gateway was watching a camera (not stopped, not disabled). Online is the \
                monitored time outside offline and stalled events (reconnects shorter than the offline threshold \
                are not events); fault-free is the monitored time outside every event of the camera. A grid sums the \
                cameras of the grid and every grid below it; a key location the cameras linked to it. Each fault \
                kind shows how many events overlapped the period and their total duration within it.
                """)

        @Option(help: ArgumentHelp("Start (default: 24 hours ago).", valueName: "time")) var from: String = "now-24h"
        @Option(help: ArgumentHelp("End (default: now).", valueName: "time")) var to: String = "now"
        @Option(help: "camera, grid or location.") var by: String = "camera"
        @Flag(help: "One row per local day instead of one for the whole range.") var daily = false
        @Option(help: "Only cameras in this grid or below it.") var grid: String?
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions

        func validate() throws {
            guard ["camera", "grid", "location"].contains(by) else { throw ValidationError("--by: camera, grid or location") }
            for (name, value) in [("--from", from), ("--to", to)] where parseWallTime(value) == nil {
                throw ValidationError("\(name) '\(value)': expected ISO 8601, local time, now-24h or @unix")
            }
            if parseWallTime(from)! >= parseWallTime(to)! { throw ValidationError("--from must be before --to") }
        }

        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                let directory = options.location.dataDirectory as NSString
                let health = HealthLog(store: try KeyframeIndexStore(path: options.location.indexPath))
                let eventsPath = directory.appendingPathComponent("events.sqlite")
                let store = FileManager.default.fileExists(atPath: eventsPath) ? try EventStore(path: eventsPath) : nil
                let cameras = try registry.cameras(CameraFilter(gridID: grid))
                let now = Date()
                let (rangeStart, rangeEnd) = (parseWallTime(from)!, parseWallTime(to)!)
                // Read once for the whole range; each period and camera takes its part.
                let transitions = Dictionary(
                    grouping: try health.transitions(camera: nil, from: rangeStart, to: rangeEnd), by: \.camera)
                let eventsByDevice = Dictionary(
                    grouping: try store?.events(EventQuery(from: rangeStart, to: rangeEnd, limit: Int.max)) ?? [],
                    by: \.device)
                var stateAtStart: [String: HealthRecord] = [:]
                for record in cameras {
                    let id = record.camera.id.rawValue
                    stateAtStart[id] = try health.transition(camera: id, before: rangeStart)
                }
                var rows: [AvailabilityRow] = []
                for (start, end) in periods(from: rangeStart, to: rangeEnd) {
                    var byCamera: [String: AvailabilityRow] = [:]
                    for record in cameras {
                        let id = record.camera.id.rawValue
                        let all = transitions[id] ?? []
                        // The state the camera was in when the period began, then what happened within it.
                        let before = all.last { $0.at < start } ?? stateAtStart[id]
                        let history = (before.map { [$0] } ?? []) + all.filter { $0.at >= start && $0.at < end }
                        let events = (eventsByDevice[id] ?? []).filter { $0.since < end && ($0.clearedAt ?? now) >= start }
                        byCamera[id] = Availability.camera(
                            id, name: record.camera.name, history: history, events: events, from: start, to: end, now: now)
                    }
                    switch by {
                    case "grid":
                        for gridRecord in try registry.grids() {
                            let members = cameras.filter { $0.gridPath.contains { $0.id == gridRecord.id } }
                            guard !members.isEmpty else { continue }
                            rows.append(
                                Availability.rollup(
                                    members.compactMap { byCamera[$0.camera.id.rawValue] }, scope: "grid", id: gridRecord.id,
                                    name: gridRecord.name, from: start, to: end))
                        }
                    case "location":
                        for location in try registry.keyLocations() {
                            let members = cameras.filter { $0.keyLocations.contains { $0.locationID == location.id } }
                            guard !members.isEmpty else { continue }
                            rows.append(
                                Availability.rollup(
                                    members.compactMap { byCamera[$0.camera.id.rawValue] }, scope: "location",
                                    id: location.id, name: location.name, from: start, to: end))
                        }
                    default:
                        rows += cameras.compactMap { byCamera[$0.camera.id.rawValue] }
                    }
                }
                let kinds = EventKind.allCases.filter { $0 != .sensorAlarm }.map(\.rawValue)
                if format.csv {
                    let header =
                        ["scope", "id", "name", "from", "to", "cameras", "monitored_s", "online_pct", "fault_free_pct"]
                        + kinds.flatMap { ["\($0)_count", "\($0)_s"] }
                    print(CSVRecords.line(header))
                    for row in rows {
                        print(
                            CSVRecords.line(
                                [
                                    row.scope, row.id, row.name, formatWallTime(row.from), formatWallTime(row.to),
                                    String(row.cameras), fixed(row.monitoredSeconds, 0),
                                    row.onlinePercent.map { fixed($0, 2) } ?? "",
                                    row.faultFreePercent.map { fixed($0, 2) } ?? "",
                                ]
                                    + kinds.flatMap { kind in
                                        [String(row.faults[kind]?.count ?? 0), fixed(row.faults[kind]?.seconds ?? 0, 0)]
                                    }))
                    }
                } else {
                    try format.emit(
                        header: [by, "name", "from", "cameras", "monitored", "online %", "fault-free %", "faults"],
                        rows: rows.map { row in
                            [
                                row.id, row.name, formatWallTime(row.from), String(row.cameras), duration(row.monitoredSeconds),
                                row.onlinePercent.map { fixed($0, 2) } ?? "-", row.faultFreePercent.map { fixed($0, 2) } ?? "-",
                                row.faults.sorted { $0.key < $1.key }.map {
                                    "\($0.key) \($0.value.count)× \(duration($0.value.seconds))"
                                }
                                .joined(separator: "; "),
                            ]
                        }, json: rows)
                }
            }
        }

        /// The whole range, or its local days.
        func periods(from: Date, to: Date) -> [(Date, Date)] {
            guard daily else { return [(from, to)] }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = .current
            var periods: [(Date, Date)] = []
            var start = from
            while start < to {
                let next = calendar.startOfDay(for: start).addingTimeInterval(86_400)
                let end = min(calendar.startOfDay(for: next.addingTimeInterval(3600)), to)
                periods.append((start, end))
                start = end
            }
            return periods
        }

        func duration(_ seconds: Double) -> String {
            seconds >= 3600 ? "\(fixed(seconds / 3600, 1))h" : seconds >= 60 ? "\(fixed(seconds / 60, 1))m" : "\(Int(seconds))s"
        }
    }
}
