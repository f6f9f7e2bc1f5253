public import Archive
import CameraRegistry
import Crypto
public import Events
public import Foundation
import MediaIO
import ZIPFoundation

/// What an evidence package covers, and who asks for it.
public struct EvidenceRequest: Sendable {
    public var cameras: [String]
    public var from: Date
    public var to: Date
    /// The exporter as the audit trail names them (a token's name, or the CLI's user).
    public var exportedBy: String
    /// Why, in the exporter's words (a case number): written into the manifest.
    public var reason: String?

    public init(cameras: [String], from: Date, to: Date, exportedBy: String, reason: String? = nil) {
        self.cameras = cameras
        self.from = from
        self.to = to
        self.exportedBy = exportedBy
        self.reason = reason
    }
}

/// `manifest.json` of a package: what it covers, who exported it when, and the SHA-256 of every other file in it, so
/// that a receiver can tell that nothing was changed or left out.
public struct EvidenceManifest: Sendable, Codable, Equatable {
    public struct File: Sendable, Codable, Equatable {
        /// The path inside the zip.
        public var path: String
        public var bytes: Int
        /// Lowercase hex.
        public var sha256: String
    }

    /// `skygate-evidence/1`.
    public var format: String
    public var cameras: [String]
    public var from: Date
    public var to: Date
    public var exportedBy: String
    public var exportedAt: Date
    public var reason: String?
    public var files: [File]
    /// Cameras with no clip, and why (nothing recorded in the range, a segment removed by retention).
    public var withoutClip: [String: String]
}

/// Writes evidence packages: for several cameras and one time range, a zip of each camera's clip (MP4, stream copy)
/// and its keyframe list (CSV), the events of those cameras in the range (JSON), and a manifest with the SHA-256 of
/// every file and who exported it when.
///
/// Blocking file I/O and libav calls: run it on a thread of its own, never on Swift's cooperative pool.
public struct EvidencePackager: Sendable {
    /// The most cameras one package may hold, and its longest range: a case, not an archive.
    public static let maximumCameras = 16
    public static let maximumSeconds: TimeInterval = 6 * 3600
    /// The most events of one camera a package holds; a range with more is refused, not cut.
    public static let maximumEvents = 10_000

    /// Each camera once, and only IDs the registry accepts (safe file names: each names a directory inside the zip).
    static func check(_ cameras: [String]) throws {
        guard Set(cameras).count == cameras.count else {
            throw ArchiveError(.unknownSource, "a camera is named twice in \(cameras.joined(separator: ","))")
        }
        for camera in cameras where (try? DeviceID(camera, lenient: true)) == nil {
            throw ArchiveError(.unknownSource, "'\(camera)' is not a camera ID")
        }
    }

    let index: RecordingIndex
    let events: EventStore
    /// Where the package's files are gathered before they are zipped (a directory per package, removed after).
    let scratch: String

    public init(index: RecordingIndex, events: EventStore, scratch: String) {
        self.index = index
        self.events = events
        self.scratch = scratch
    }

    /// Writes the package for `request` to `path` (a zip, replaced if it exists) and returns its manifest.
    /// - Throws: `ArchiveError` `.notRecorded` when no camera has video in the range, `.clipFailed` when a file
    ///   cannot be written; `EventsError` when the events cannot be read.
    public func write(_ request: EvidenceRequest, to path: String, now: Date = Date()) throws -> EvidenceManifest {
        try Self.check(request.cameras)
        let work = URL(fileURLWithPath: scratch).appendingPathComponent("evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var written: [String] = []
        var withoutClip: [String: String] = [:]
        let exporter = ClipExporter(index: index)
        for camera in request.cameras {
            try FileManager.default.createDirectory(
                at: work.appendingPathComponent(camera), withIntermediateDirectories: true)
            do {
                _ = try exporter.export(
                    camera: camera, from: request.from, duration: request.to.timeIntervalSince(request.from),
                    to: work.appendingPathComponent("\(camera)/clip.mp4").path)
                written.append("\(camera)/clip.mp4")
            } catch let error as ArchiveError where error.code == .notRecorded || error.code == .clipFailed {
                withoutClip[camera] = error.message
            }
            let keyframes = try index.keyframes(camera: camera, from: request.from, to: request.to)
            try Data(Self.keyframeCSV(keyframes).utf8).write(to: work.appendingPathComponent("\(camera)/keyframes.csv"))
            written.append("\(camera)/keyframes.csv")
        }
        guard withoutClip.count < request.cameras.count else {
            throw ArchiveError(
                .notRecorded,
                "no camera of \(request.cameras.joined(separator: ", ")) has video from \(TimeText.format(request.from)) "
                    + "to \(TimeText.format(request.to))")
        }
        let found = try request.cameras.flatMap { camera in
            let events = try events.events(
                EventQuery(device: camera, from: request.from, to: request.to, limit: Self.maximumEvents + 1))
            // All of them or none: a package that left some out would say it is complete.
            guard events.count <= Self.maximumEvents else {
                throw ArchiveError(
                    .clipFailed, "camera \(camera) has more than \(Self.maximumEvents) events in the range; ask for a shorter one"
                )
            }
            return events
        }
        try Self.encoder.encode(found).write(to: work.appendingPathComponent("events.json"))
        written.append("events.json")

        let files = try written.map { name in
            let data = try Data(contentsOf: work.appendingPathComponent(name), options: .mappedIfSafe)
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            return EvidenceManifest.File(path: name, bytes: data.count, sha256: digest)
        }
        let manifest = EvidenceManifest(
            format: "skygate-evidence/1", cameras: request.cameras, from: request.from, to: request.to,
            exportedBy: request.exportedBy, exportedAt: now, reason: request.reason, files: files,
            withoutClip: withoutClip)
        try Self.encoder.encode(manifest).write(to: work.appendingPathComponent("manifest.json"))
        try Self.zip(work, names: ["manifest.json"] + written, to: path)
        return manifest
    }

    /// One line per keyframe: its wall time, its seconds on the recording's timeline, its size, and the statistics
    /// the analyser computed (empty when it was not analysed).
    static func keyframeCSV(_ keyframes: [RecordedKeyframe]) -> String {
        var text = "wall_time,seconds,bytes,width,height,mean_luma,sharpness\n"
        for keyframe in keyframes {
            let stats = keyframe.stats
            text += "\(TimeText.format(keyframe.wallClock)),\(keyframe.seconds),\(keyframe.size),"
            text += stats.map { "\($0.width),\($0.height),\($0.meanLuma),\($0.sharpness)" } ?? ",,,"
            text += "\n"
        }
        return text
    }

    /// The zip, written aside and renamed into place. Clips are stored (MP4 does not deflate); text is deflated.
    static func zip(_ directory: URL, names: [String], to path: String) throws {
        let partial = URL(fileURLWithPath: path + ".partial")
        try? FileManager.default.removeItem(at: partial)
        do {
            let zip = try ZIPFoundation.Archive(url: partial, accessMode: .create)
            for name in names {
                try zip.addEntry(
                    with: name, relativeTo: directory, compressionMethod: name.hasSuffix(".mp4") ? .none : .deflate)
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw ArchiveError(.clipFailed, "cannot write the evidence package '\(path)': \(error)")
        }
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(at: partial, to: URL(fileURLWithPath: path))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = TimeText.encoding
        return encoder
    }()
}
