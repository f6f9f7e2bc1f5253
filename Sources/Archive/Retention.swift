import Foundation
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
        var segments = try listSegments()
        func remove(_ segment: Segment) throws {
            try index.removeSegment(segment.path)
            do {
                try FileManager.default.removeItem(atPath: segment.path)
            } catch {
                throw ArchiveError(.storeFailed, "cannot remove segment '\(segment.path)'", underlying: "\(error)")
            }
            result.removedSegments.append(segment.path)
            result.freedBytes += segment.bytes
            segments.removeAll { $0.path == segment.path }
        }
        // Oldest first: by the time a segment ended, then its name (which starts with the time it was opened).
        func oldestFirst(_ a: Segment, _ b: Segment) -> Bool { (a.modified, a.path) < (b.modified, b.path) }

        for segment in segments.sorted(by: oldestFirst) where !writing.contains(segment.path) {
            let ages = [policy.maximumAge, policy.maximumAgeByCamera[segment.camera]].compactMap { $0 }
            if let age = ages.min(), segment.modified < now.addingTimeInterval(-age) { try remove(segment) }
        }
        if let limit = policy.maximumBytesPerCamera {
            for camera in Set(segments.map(\.camera)) {
                var mine = segments.filter { $0.camera == camera }.sorted(by: oldestFirst)
                var total = mine.reduce(0) { $0 + $1.bytes }
                while total > limit, let victim = mine.first(where: { !writing.contains($0.path) }) {
                    try remove(victim)
                    total -= victim.bytes
                    mine.removeAll { $0.path == victim.path }
                }
            }
        }
        if let limit = policy.maximumBytesTotal {
            var all = segments.sorted(by: oldestFirst)
            var total = all.reduce(0) { $0 + $1.bytes }
            while total > limit, let victim = all.first(where: { !writing.contains($0.path) }) {
                try remove(victim)
                total -= victim.bytes
                all.removeAll { $0.path == victim.path }
            }
        }
        // Gaps and discontinuities older than a camera's oldest remaining keyframe describe nothing any more.
        for camera in Set(result.removedSegments.map { ($0 as NSString).deletingLastPathComponent }) {
            let id = (camera as NSString).lastPathComponent
            if let oldest = try index.keyframes(camera: id).first {
                try index.trimHistory(camera: id, before: oldest.wallClock)
            }
        }
        result.keptBytes = segments.reduce(0) { $0 + $1.bytes }
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
