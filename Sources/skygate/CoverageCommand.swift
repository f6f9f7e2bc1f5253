import Archive
import ArgumentParser
import Foundation
import MediaIO

/// `skygate coverage`: what was recorded for a camera between two times, with the gaps.
struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Show what a camera recorded between two times: recorded spans and gaps with their reasons.",
        discussion: "Times: \(wallTimeHelp). An index lookup: no segment file is read.")

    @Argument(help: "Camera ID.") var camera: String
    @Option(help: ArgumentHelp("Start (default: 1 hour ago).", valueName: "time")) var from: String = "now-1h"
    @Option(help: ArgumentHelp("End (default: now).", valueName: "time")) var to: String = "now"
    @OptionGroup var location: DataLocation
    @OptionGroup var logging: LoggingOptions
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] where parseWallTime(value) == nil {
            throw ValidationError("\(name) '\(value)': expected \(wallTimeHelp)")
        }
        if parseWallTime(from)! > parseWallTime(to)! { throw ValidationError("--from is after --to") }
    }

    func run() throws {
        logging.bootstrap()
        try reportingFailures {
            let store = try ArchiveDatabase(path: location.indexPath)
            let spans = try RecordingIndex(store: store).coverage(
                camera: camera, from: parseWallTime(from)!, to: parseWallTime(to)!)
            if json {
                try printJSON(spans)
                return
            }
            printTable(
                header: ["from", "to", "seconds", "recorded", "keyframes / reason"],
                rows: spans.map { span in
                    [
                        TimeText.format(span.from), TimeText.format(span.to), fixed(span.duration, 1),
                        span.kind == .recorded ? "yes" : "no",
                        span.kind == .recorded ? "\(span.keyframes ?? 0)" : span.reason ?? "",
                    ]
                }, rightAligned: [2])
        }
    }
}
