import Archive
import ArgumentParser
import CameraRegistry
import Events
import Foundation
import MediaIO

/// `skygate report availability`: online and fault-free shares per camera, grid or key location.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Reports over the recorded history.",
        subcommands: [AvailabilityCommand.self, AssessmentCommand.self])

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
                let health = HealthLog(store: try ArchiveDatabase(path: options.location.indexPath))
                let eventsPath = directory.appendingPathComponent("events.sqlite")
                let store = FileManager.default.fileExists(atPath: eventsPath) ? try EventStore(path: eventsPath) : nil
                let rows = try AvailabilityReport(registry: registry, health: health, events: store).rows(
                    from: parseWallTime(from)!, to: parseWallTime(to)!, by: AvailabilityReport.Grouping(rawValue: by)!,
                    daily: daily, grid: grid)
                let kinds = EventKind.allCases.filter { !$0.isAlarm }.map(\.rawValue)
                if format.csv {
                    let header =
                        ["scope", "id", "name", "from", "to", "cameras", "monitored_s", "online_pct", "fault_free_pct"]
                        + kinds.flatMap { ["\($0)_count", "\($0)_s"] } + ["false_alarms"]
                    print(CSVRecords.line(header))
                    for row in rows {
                        let figures: [String] = [
                            row.scope, row.id, row.name, TimeText.format(row.from), TimeText.format(row.to),
                            String(row.cameras), fixed(row.monitoredSeconds, 0), row.onlinePercent.map { fixed($0, 2) } ?? "",
                            row.faultFreePercent.map { fixed($0, 2) } ?? "",
                        ]
                        let faults: [String] = kinds.flatMap { kind in
                            [String(row.faults[kind]?.count ?? 0), fixed(row.faults[kind]?.seconds ?? 0, 0)]
                        }
                        print(CSVRecords.line(figures + faults + [String(row.falseAlarms)]))
                    }
                } else {
                    try format.emit(
                        header: [
                            by, "name", "from", "cameras", "monitored", "online %", "fault-free %", "faults", "false alarms",
                        ],
                        rows: rows.map { row in
                            [
                                row.id, row.name, TimeText.format(row.from), String(row.cameras), duration(row.monitoredSeconds),
                                row.onlinePercent.map { fixed($0, 2) } ?? "-", row.faultFreePercent.map { fixed($0, 2) } ?? "-",
                                row.faults.sorted { $0.key < $1.key }.map {
                                    "\($0.key) \($0.value.count)× \(duration($0.value.seconds))"
                                }
                                .joined(separator: "; "),
                                String(row.falseAlarms),
                            ]
                        }, json: rows)
                }
            }
        }

        func duration(_ seconds: Double) -> String {
            seconds >= 3600 ? "\(fixed(seconds / 3600, 1))h" : seconds >= 60 ? "\(fixed(seconds / 60, 1))m" : "\(Int(seconds))s"
        }
    }
}
