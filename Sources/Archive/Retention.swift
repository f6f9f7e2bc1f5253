public import Foundation
import Logging

/// How long and how much recording to keep. Nil limits do not apply; with none, nothing is removed.
public struct RetentionPolicy: Sendable, Codable, Equatable {
    /// Seconds: segments that ended longer ago than this are removed.
    public var maximumAge: Double?
    /// Bytes per camera, and for all cameras together.
    public var maximumBytesPerCamera: Int64?
    public var maximumBytesTotal: Int64?
    /// Seconds, per camera ID: the camera's own limit (the registry's retention days), applied besides `maximumAge`.
    public var maximumAgeByCamera: [String: Double] = [:]
    /// The cameras in the registry, when known: the recordings of any other camera (one removed from the registry)
    /// are kept `removedCameraMaximumAge` at most, so they do not stay for ever when no `maximumAge` is set.
    public var registeredCameras: Set<String>?
    /// Seconds a removed camera's recordings are kept (besides `maximumAge`); 30 days, the registry's default.
    public var removedCameraMaximumAge: Double = 30 * 86_400

    public init(
        maximumAge: Double? = nil, maximumBytesPerCamera: Int64? = nil, maximumBytesTotal: Int64? = nil,
        maximumAgeByCamera: [String: Double] = [:]
    ) {
        self.maximumAge = maximumAge
        self.maximumAgeByCamera = maximumAgeByCamera
        self.maximumBytesPerCamera = maximumBytesPerCamera
        self.maximumBytesTotal = maximumBytesTotal
    }
}

/// What one retention pass removed.
public struct RetentionResult: Sendable, Codable, Equatable {
    public var removedSegments: [String] = []
    public var freedBytes: Int64 = 0
    public var keptBytes: Int64 = 0
}

/// Removes the oldest recorded segments until the policy holds: first by age, then each camera's size, then the total.
/// Never a segment being written. A segment's index rows are removed (one transaction) before its file, so the
/// index never points at a missing file; a crash in between leaves an orphan file, which the next pass removes.
///
/// Blocking file I/O: run it on a dedicated thread.
public struct Retention: Sendable {
    let index: RecordingIndex
    /// The directory with one subdirectory of segments per camera.
    public let segmentRoot: String
    private let logger = Logger(label: "skygate.retention")

    public init(index: RecordingIndex, segmentRoot: String) {
        self.index = index
        self.segmentRoot = segmentRoot
    }

    struct Segment {
        var camera: String
        var path: String
        var bytes: Int64
        /// When it was last written: the end of its recording.
        var modified: Date
    }

    /// Applies `policy` at time `now`, sparing the segments in `writing`.
    public func enforce(_ policy: RetentionPolicy, now: Date = Date(), writing: Set<String> = []) throws -> RetentionResult {
        var result = RetentionResult()
        // Oldest first: by the time a segment ended, then its name (which starts with the time it was opened). The
        // per-camera pass walks this same order, which is each camera's oldest first too.
        let ordered = try listSegments().sorted { ($0.modified, $0.path) < ($1.modified, $1.path) }
        var perCamera = Dictionary(ordered.map { ($0.camera, $0.bytes) }, uniquingKeysWith: +)
        var total = perCamera.values.reduce(0, +)
        var removed = Set<String>()
        func remove(_ segment: Segment) throws {
            try index.removeSegment(segment.path)
            do {
                try FileManager.default.removeItem(atPath: segment.path)
            } catch {
                throw ArchiveError(.storeFailed, "cannot remove segment '\(segment.path)'", underlying: "\(error)")
            }
            removed.insert(segment.path)
            result.removedSegments.append(segment.path)
            result.freedBytes += segment.bytes
            perCamera[segment.camera]! -= segment.bytes
            total -= segment.bytes
        }
        let removable = { (segment: Segment) in !writing.contains(segment.path) && !removed.contains(segment.path) }

        for segment in ordered where removable(segment) {
            let removedFromRegistry = policy.registeredCameras.map { !$0.contains(segment.camera) } ?? false
            let ages = [
                policy.maximumAge, policy.maximumAgeByCamera[segment.camera],
                removedFromRegistry ? policy.removedCameraMaximumAge : nil,
            ].compactMap { $0 }
            if let age = ages.min(), segment.modified < now.addingTimeInterval(-age) { try remove(segment) }
        }
        if let limit = policy.maximumBytesPerCamera {
            for segment in ordered where removable(segment) && perCamera[segment.camera]! > limit { try remove(segment) }
        }
        if let limit = policy.maximumBytesTotal {
            for segment in ordered where total > limit && removable(segment) { try remove(segment) }
        }
        // Gaps and discontinuities older than a camera's oldest remaining keyframe describe nothing any more.
        for camera in Set(ordered.filter { removed.contains($0.path) }.map(\.camera)) {
            if let oldest = try index.oldestKeyframe(camera: camera) {
                try index.trimHistory(camera: camera, before: oldest.wallClock)
            }
        }
        result.keptBytes = total
        if !result.removedSegments.isEmpty {
            logger.info(
                "retention removed segments",
                metadata: ["segments": "\(result.removedSegments.count)", "freed_bytes": "\(result.freedBytes)"])
        }
        return result
    }

    /// Every segment file under the root, with its camera (the directory name), size and modification time.
    func listSegments() throws -> [Segment] {
        let manager = FileManager.default
        guard manager.fileExists(atPath: segmentRoot) else { return [] }
        var segments: [Segment] = []
        for camera in try manager.contentsOfDirectory(atPath: segmentRoot) {
            let directory = (segmentRoot as NSString).appendingPathComponent(camera)
            guard let names = try? manager.contentsOfDirectory(atPath: directory) else { continue }
            for name in names where name.hasSuffix(".ts") {
                let path = (directory as NSString).appendingPathComponent(name)
                guard let attributes = try? manager.attributesOfItem(atPath: path) else { continue }
                segments.append(
                    Segment(
                        camera: camera, path: path, bytes: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                        modified: attributes[.modificationDate] as? Date ?? .distantPast))
            }
        }
        return segments
    }
}
