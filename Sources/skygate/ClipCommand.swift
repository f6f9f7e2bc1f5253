import Archive
import ArgumentParser
import Foundation
import MediaIO

/// `skygate clip`: cut a recorded stretch of a camera into an MP4 file.
struct ClipCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clip",
        abstract: "Write a camera's recording of a time range to a playable MP4 file (stream copy, no re-encoding).",
        discussion: """
            The clip starts on the keyframe at or before --from (so it plays from its first frame) and may span \
            several recorded segments. Times: \(wallTimeHelp). Works while `skygate serve` is recording.
            """)

    @Argument(help: "Camera ID.") var camera: String
    @Option(help: ArgumentHelp("Start time.", valueName: "time")) var from: String
    @Option(help: ArgumentHelp("Length: seconds, or 90s, 5m, 1h.", valueName: "duration")) var duration: String
    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (MP4).", valueName: "path")) var output: String
    @OptionGroup var location: DataLocation
    @OptionGroup var logging: LoggingOptions
    @Flag(help: "Print what was written as JSON.") var json = false

    func validate() throws {
        guard parseWallTime(from) != nil else { throw ValidationError("--from '\(from)': expected \(wallTimeHelp)") }
        guard parseDuration(duration) != nil else {
            throw ValidationError("--duration '\(duration)': expected seconds (90) or 90s, 5m, 1h")
        }
    }

    func run() throws {
        logging.bootstrap()
        try reportingFailures {
            let store = try ArchiveDatabase(path: location.indexPath)
            try auditCommand(location, "clip.export", camera, detail: "\(from) +\(duration) to \(output)")
            let summary = try ClipExporter(index: RecordingIndex(store: store)).export(
                camera: camera, from: parseWallTime(from)!, duration: parseDuration(duration)!, to: output)
            if json {
                try printJSON(summary)
            } else {
                let lead = summary.askedFrom.timeIntervalSince(summary.startsAt)
                print(
                    "wrote \(summary.path): \(fixed(summary.duration, 2)) s from \(TimeText.format(summary.startsAt)) "
                        + "(keyframe \(fixed(lead, 2)) s before the asked time), \(summary.packets) packets from "
                        + "\(summary.segments.count) segment\(summary.segments.count == 1 ? "" : "s")")
            }
        }
    }
}
