import Archive
import ArgumentParser
import CameraRegistry
import Events
import Foundation
import MediaIO

/// `skygate diagnose reference`: a camera's reference picture, shown, set from a recorded moment, or cleared.
extension DiagnoseCommand {
    struct ReferenceCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reference",
            abstract: "Show, set (--at) or clear (--clear) a camera's reference picture.",
            discussion: """
                The reference picture is the analysed keyframe nearest to --at (within \
                \(Int(ReferencePicture.sceneSpan)) s): what the camera should see. "camera_moved" and "occlusion" then \
                compare every picture with it (and with the keyframes \(Int(ReferencePicture.sceneSpan)) s either side \
                of it, for a live scene's changes) as well as with the scene the detector learned by itself, so a \
                camera already turned away or covered when it started is caught. Choose a moment in ordinary light. \
                A running `skygate serve` takes the change within \(Int(EventEngine.referenceReadIntervalSeconds)) s \
                (at once through the API). Setting and clearing are in the audit trail.

                Example: skygate diagnose reference --camera 33010600001320000001 --at "2026-12-07 10:00"
                """)

        @Option(help: "The camera.") var camera: String
        @Option(help: ArgumentHelp("Set the reference from the keyframe nearest this moment.", valueName: "time")) var at: String?
        @Flag(help: "Clear the reference picture.") var clear = false
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var options: RegistryOptions

        func validate() throws {
            if at != nil && clear { throw ValidationError("--at and --clear: choose one") }
            if let at, parseWallTime(at) == nil {
                throw ValidationError("--at '\(at)': expected ISO 8601, local time, now-24h or @unix")
            }
        }

        func run() throws {
            try reportingFailures {
                guard try options.open().camera(id: camera) != nil else { throw RegistryError(.notFound, "no camera \(camera)") }
                let location = options.location
                let store = try openEventStore(location)
                if clear {
                    guard try store.reference(camera: camera) != nil else {
                        throw CLIError(message: "camera \(camera) has no reference picture", status: 66)
                    }
                    try auditCommand(location, "camera.reference.clear", camera)
                    try store.clearReference(camera: camera)
                    return print("reference picture of \(camera) cleared")
                }
                if let at = at.flatMap({ parseWallTime($0) }) {
                    let index = RecordingIndex(store: try ArchiveDatabase(path: location.indexPath))
                    guard
                        let reference = try ReferencePicture.make(
                            camera: camera, at: at, index: index, by: commandLineActor, now: Date())
                    else {
                        throw CLIError(
                            message: "camera \(camera) has no analysed keyframe within \(Int(ReferencePicture.sceneSpan)) s "
                                + "of \(TimeText.format(at))", status: 66)
                    }
                    try auditCommand(location, "camera.reference.set", camera, detail: TimeText.format(reference.keyframeAt))
                    try store.setReference(reference)
                    return try show(reference)
                }
                guard let reference = try store.reference(camera: camera) else {
                    throw CLIError(message: "camera \(camera) has no reference picture", status: 66)
                }
                try show(reference)
            }
        }

        func show(_ reference: ReferencePicture) throws {
            if json { return try printJSON(reference) }
            print(
                "reference picture of \(reference.camera): the keyframe at \(TimeText.format(reference.keyframeAt)) "
                    + "(\(reference.sceneHashes.count) keyframes in its scene), set by \(reference.setBy) at "
                    + TimeText.format(reference.setAt))
        }
    }
}
