import Archive
import ArgumentParser
import Evidence
import Foundation
import MediaIO

/// `skygate export evidence`: a case's video, keyframes and events in one zip, with SHA-256 hashes.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export recorded material for use outside Skygate.", subcommands: [EvidenceCommand.self])

    struct EvidenceCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evidence",
            abstract: "Write an evidence package: several cameras' clips, keyframe lists and events for one range, zipped.",
            discussion: """
                The zip holds, for each camera, CAMERA/clip.mp4 (stream copy from the keyframe at or before --from) and \
                CAMERA/keyframes.csv, then events.json (the cameras' events overlapping the range) and manifest.json: \
                the range, who exported it and when, the reason, and the SHA-256 of every other file. A camera with \
                nothing recorded in the range is named in the manifest's withoutClip. The export is written to the \
                audit trail before it starts. At most \(EvidencePackager.maximumCameras) cameras and \
                \(Int(EvidencePackager.maximumSeconds / 3600)) hours. Times: \(wallTimeHelp).
                """)

        @Option(help: ArgumentHelp("Camera IDs, comma-separated.", valueName: "ids")) var cameras: String
        @Option(help: ArgumentHelp("Start time.", valueName: "time")) var from: String
        @Option(help: ArgumentHelp("End time.", valueName: "time")) var to: String
        @Option(name: .shortAndLong, help: ArgumentHelp("Output file (zip).", valueName: "path")) var output: String
        @Option(help: ArgumentHelp("Why it is exported (a case number); written into the manifest.", valueName: "text"))
        var reason: String?
        @OptionGroup var location: DataLocation
        @OptionGroup var logging: LoggingOptions
        @Flag(help: "Print the manifest as JSON.") var json = false

        var cameraList: [String] {
            cameras.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        func validate() throws {
            guard (1...EvidencePackager.maximumCameras).contains(cameraList.count) else {
                throw ValidationError("--cameras: give 1 to \(EvidencePackager.maximumCameras) camera IDs, comma-separated")
            }
            guard Set(cameraList).count == cameraList.count else { throw ValidationError("--cameras names a camera twice") }
            guard let start = parseWallTime(from) else { throw ValidationError("--from '\(from)': expected \(wallTimeHelp)") }
            guard let end = parseWallTime(to) else { throw ValidationError("--to '\(to)': expected \(wallTimeHelp)") }
            guard start < end else { throw ValidationError("--from must be before --to") }
            guard end.timeIntervalSince(start) <= EvidencePackager.maximumSeconds else {
                throw ValidationError("the range may cover at most \(Int(EvidencePackager.maximumSeconds / 3600)) hours")
            }
            guard output.hasSuffix(".zip") else { throw ValidationError("--output '\(output)': name a .zip file") }
        }

        func run() throws {
            logging.bootstrap()
            try reportingFailures {
                let (start, end) = (parseWallTime(from)!, parseWallTime(to)!)
                let store = try ArchiveDatabase(path: location.indexPath)
                let packager = EvidencePackager(
                    index: RecordingIndex(store: store), events: try openEventStore(location),
                    scratch: (output as NSString).deletingLastPathComponent.isEmpty
                        ? "." : (output as NSString).deletingLastPathComponent)
                try auditCommand(
                    location, "evidence.export", cameraList.joined(separator: ","),
                    detail: "\(TimeText.format(start)) to \(TimeText.format(end)) to \(output)"
                        + (reason.map { " (\($0))" } ?? ""))
                let manifest = try packager.write(
                    EvidenceRequest(
                        cameras: cameraList, from: start, to: end, exportedBy: commandLineActor, reason: reason),
                    to: output)
                if json {
                    try printJSON(manifest)
                } else {
                    let bytes = manifest.files.reduce(0) { $0 + $1.bytes }
                    print(
                        "wrote \(output): \(manifest.files.count) files (\(bytes) bytes) for "
                            + "\(manifest.cameras.count) camera\(manifest.cameras.count == 1 ? "" : "s"), "
                            + "manifest.json lists their SHA-256")
                    for (camera, why) in manifest.withoutClip.sorted(by: { $0.key < $1.key }) {
                        print("  no clip of \(camera): \(why)")
                    }
                }
            }
        }
    }
}
