import Archive
import ArgumentParser
import CameraRegistry
import Events
import Foundation
import MediaIO

/// `skygate diagnose replay`: backtesting of detector thresholds over a camera's stored history; `diagnose reference`
/// (ReferenceCommand.swift): a camera's reference picture.
struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose", abstract: "Diagnosis tools over the stored history.",
        subcommands: [ReplayCommand.self, ReferenceCommand.self])

    struct ReplayCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Replay the detectors over a camera's stored history with other thresholds (backtesting).",
            discussion: """
                Runs the detectors again over what the camera's detectors saw, as stored: its health history, its \
                analysed keyframes' statistics, its patrol visits, and a recorded camera's stream readings \
                (throughput a second at a time, keyframe times, clock offsets, declared frame rates); nothing is \
                decoded. Starts from the thresholds \
                in force (--detectors, the file `serve` was given; defaults without it), changed by each --set. Then \
                sets the events it raises against the stored ones: same (raised and cleared when they were), changed \
                (the same fault raised or cleared at another time), never raised, newly raised.

                A recorded camera's stream conformance kinds (stream degraded, frame rate shortfall, long GOP, clock \
                offset) are replayed from its stream readings, kept since this version's archive (schema v10); over a \
                range without them, its stored events of those kinds are listed apart. Begin the range where the service began (or at a quiet time): the replay learns the \
                camera's normal picture afresh from the first clean keyframes, as the service did when it started.

                Example: skygate diagnose replay --camera 33010600001320000001 --from now-7d --set darkLumaDay=30 \
                --set raiseAfter=5
                """)

        @Option(help: "The camera.") var camera: String
        @Option(help: ArgumentHelp("Start (default: 24 hours ago).", valueName: "time")) var from: String = "now-24h"
        @Option(help: ArgumentHelp("End (default: now).", valueName: "time")) var to: String = "now"
        @Option(
            help: ArgumentHelp("The detector configuration in force (the file given to `serve --detectors`).", valueName: "file"))
        var detectors: String?
        @Option(
            name: .customLong("set"),
            help: ArgumentHelp(
                "A threshold to change, e.g. darkLumaDay=30 or disabled=frozen,blur (repeatable; see docs/EVENTS.md).",
                valueName: "key=value"))
        var settings: [String] = []
        @Option(
            help: ArgumentHelp(
                "The time zone of the night profile, e.g. Asia/Shanghai (default: the system's).", valueName: "zone"))
        var timeZone: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var options: RegistryOptions

        func validate() throws {
            for (name, value) in [("--from", from), ("--to", to)] where parseWallTime(value) == nil {
                throw ValidationError("\(name) '\(value)': expected ISO 8601, local time, now-24h or @unix")
            }
            if parseWallTime(from)! >= parseWallTime(to)! { throw ValidationError("--from must be before --to") }
            if let timeZone, TimeZone(identifier: timeZone) == nil {
                throw ValidationError("--time-zone '\(timeZone)': no such time zone")
            }
            _ = try changes()
        }

        /// The `--set` settings as a JSON object's values: numbers, or for `disabled` a list of kinds.
        func changes() throws -> [String: Any] {
            var changes: [String: Any] = [:]
            for setting in settings {
                let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--set '\(setting)': expected key=value") }
                if parts[0] == "disabled" {
                    changes[parts[0]] = parts[1].split(separator: ",").map(String.init)
                } else if let number = Double(parts[1]), number.isFinite {
                    changes[parts[0]] = number == number.rounded() && abs(number) < 1e9 ? Int(number) as Any : number
                } else {
                    throw ValidationError("--set '\(setting)': the value must be a number")
                }
            }
            return changes
        }

        func run() throws {
            try reportingFailures {
                guard let record = try options.open().camera(id: camera) else {
                    throw RegistryError(.notFound, "no camera \(camera)")
                }
                let location = options.location
                let inForce = try detectors.map(DetectorConfiguration.init(contentsOf:))?.thresholds(for: camera)
                let thresholds = try DetectorConfiguration.overlay(
                    try changes(), on: inForce ?? DetectorThresholds(), context: "--set")
                let eventsPath = (location.dataDirectory as NSString).appendingPathComponent("events.sqlite")
                let store = FileManager.default.fileExists(atPath: eventsPath) ? try EventStore(path: eventsPath) : nil
                let comparison = try DetectorBacktest(archive: try ArchiveDatabase(path: location.indexPath), events: store)
                    .replay(
                        camera: camera, location: record.camera.location, from: parseWallTime(from)!, to: parseWallTime(to)!,
                        thresholds: thresholds,
                        timeZone: timeZone.flatMap(TimeZone.init(identifier:)) ?? .current)
                if json { return try printJSON(comparison) }
                print(report(comparison))
            }
        }

        /// The rows as a table, then a line of totals and the stored events not replayed.
        func report(_ comparison: ReplayComparison) -> String {
            func time(_ date: Date?) -> String { date.map(TimeText.format) ?? "-" }
            let rows = comparison.rows.map { row in
                [
                    row.outcome.rawValue, row.kind.rawValue, time(row.replayed?.since ?? row.stored?.since),
                    time(row.replayed?.raisedAt), time(row.replayed?.clearedAt), time(row.stored?.raisedAt),
                    time(row.stored?.clearedAt), row.stored?.id ?? "",
                ]
            }
            let header = [
                "outcome", "kind", "since", "replay raised", "replay cleared", "stored raised", "stored cleared", "event",
            ]
            let counts = ReplayComparison.Outcome.allCases.map { outcome in
                "\(comparison.rows.filter { $0.outcome == outcome }.count) \(outcome.rawValue.replacingOccurrences(of: "_", with: " "))"
            }
            var text = rows.isEmpty ? "no events, replayed or stored\n" : tableText(header: header, rows: rows)
            text += counts.joined(separator: ", ")
            if !comparison.notReplayed.isEmpty {
                let kinds = Set(comparison.notReplayed.map(\.kind.rawValue)).sorted().joined(separator: ", ")
                text += "; \(comparison.notReplayed.count) stored events of kinds not replayed here (\(kinds))"
            }
            if comparison.keyframesWithoutThumbnail > 0 {
                text +=
                    "\nnote: \(comparison.keyframesWithoutThumbnail) of \(comparison.keyframes) keyframes were stored "
                    + "before thumbnails and saturation were kept: frozen and IR-cut may be judged otherwise than live"
            }
            return text
        }
    }
}
