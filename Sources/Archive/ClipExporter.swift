public import Foundation
import MediaIO

/// What a written clip holds.
public struct ClipSummary: Sendable, Codable, Equatable {
    public var camera: String
    public var path: String
    /// The keyframe the clip starts on (at or before the asked time), and the asked time.
    public var startsAt: Date
    public var askedFrom: Date
    /// Seconds of media in the clip, and how many packets and segments it was cut from.
    public var duration: Double
    public var packets: Int
    public var segments: [String]
}

/// Cuts clips out of a camera's recorded segments by stream copy: from the keyframe at or before the asked time, across
/// segment boundaries, into one MP4 file.
///
/// Blocking file I/O and libav calls: run it on a thread of its own (the CLI's main thread, or a dedicated thread in
/// the service), never on Swift's cooperative pool.
public struct ClipExporter: Sendable {
    let index: RecordingIndex

    public init(index: RecordingIndex) { self.index = index }

    /// Writes `camera`'s recording of `from … from+duration` to `path` (MP4, replaced if it exists). The clip starts on
    /// the keyframe at or before `from` (or the first recorded after it), so it decodes from its first frame.
    /// - Throws: `ArchiveError` `.notRecorded` when nothing was recorded in that range, `.clipFailed` when a segment is
    ///   missing or unreadable or the output cannot be written.
    public func export(camera: String, from: Date, duration: Double, to path: String) throws -> ClipSummary {
        let end = from.addingTimeInterval(duration)
        let start = try firstKeyframe(camera: camera, from: from, to: end)
        let rows = try index.keyframes(camera: camera, from: start.wallClock, to: end)
        // Each segment with the first keyframe of it that the clip uses: where to start reading it, and when that is.
        var plan: [RecordedKeyframe] = []
        for row in rows where plan.last?.segment != row.segment { plan.append(row) }

        let partial = path + ".partial"
        var clip = ClipCopy(start: start.wallClock, end: end, output: partial)
        do {
            for entry in plan {
                guard FileManager.default.fileExists(atPath: entry.segment) else {
                    throw ArchiveError(
                        .clipFailed, "segment '\(entry.segment)' of camera \(camera) is missing (removed by retention?)")
                }
                try clip.append(entry)
                if clip.isComplete { break }
            }
            guard clip.packets > 0 else {
                throw ArchiveError(
                    .notRecorded, "no recorded video for camera \(camera) from \(TimeText.format(from)) for \(duration) s")
            }
            try clip.finish()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            clip.abandon()
            try? FileManager.default.removeItem(atPath: partial)
            switch error {
            case let error as ArchiveError: throw error
            case let error as MediaError:
                throw ArchiveError(
                    .clipFailed, "cannot cut the clip for camera \(camera)", underlying: error.message, averror: error.averror)
            default: throw ArchiveError(.clipFailed, "cannot write the clip '\(path)'", underlying: "\(error)")
            }
        }
        return ClipSummary(
            camera: camera, path: path, startsAt: start.wallClock, askedFrom: from, duration: clip.lastWritten,
            packets: clip.packets, segments: plan.map(\.segment))
    }

    /// The keyframe at or before `from`, or else the first recorded before `end`.
    private func firstKeyframe(camera: String, from: Date, to end: Date) throws -> RecordedKeyframe {
        if let before = try index.keyframe(camera: camera, atOrBefore: from) { return before }
        if let after = try index.keyframes(camera: camera, from: from, to: end).first { return after }
        throw ArchiveError(
            .notRecorded, "nothing was recorded for camera \(camera) between \(TimeText.format(from)) and \(TimeText.format(end))"
        )
    }
}

/// A clip being copied, segment after segment: each packet's time on the clip is its segment's first keyframe wall
/// time plus its distance from that keyframe, so segments from different connections join without their raw
/// timestamps having to agree.
private struct ClipCopy {
    let start: Date
    let end: Date
    let output: String
    private var writer: ClipWriter?
    private(set) var packets = 0
    /// Seconds on the clip of the latest presentation time written.
    private(set) var lastWritten: Double = 0

    init(start: Date, end: Date, output: String) {
        self.start = start
        self.end = end
        self.output = output
    }

    /// The clip reaches its end.
    var isComplete: Bool { start.addingTimeInterval(lastWritten) > end }

    /// Copies `entry`'s segment from its recorded byte offset (PAT/PMT included) until the clip's end.
    mutating func append(_ entry: RecordedKeyframe) throws {
        var options = DemuxOptions()
        options.skipInitialBytes = entry.byteOffset
        let demuxer = try Demuxer(source: .file(path: entry.segment), options: options)
        if writer == nil { writer = try ClipWriter(path: output, streamOf: demuxer) }
        let timeBase = demuxer.videoTimeBase.value
        let segmentOffset = entry.wallClock.timeIntervalSince(start)
        let packet = MediaPacket()
        var base: Int64? = nil
        while try demuxer.readVideoPacket(into: packet) {
            guard let dts = packet.dts ?? packet.pts else { continue }
            if base == nil {
                guard packet.isKeyframe else { continue }
                base = dts
            }
            let seconds = segmentOffset + Double(dts - base!) * timeBase
            if start.addingTimeInterval(seconds) > end { break }
            let pts = segmentOffset + Double((packet.pts ?? dts) - base!) * timeBase
            if try writer!.write(
                packet, dtsMicroseconds: Int64((seconds * 1e6).rounded()), ptsMicroseconds: Int64((pts * 1e6).rounded()))
            {
                packets += 1
                lastWritten = max(lastWritten, pts)
            }
        }
    }

    func finish() throws { try writer?.finish() }

    /// Drops the writer (closing its file) after a failure.
    mutating func abandon() { writer = nil }
}
