import Foundation
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
        let start: RecordedKeyframeRow
        if let before = try index.keyframe(camera: camera, atOrBefore: from) {
            start = before
        } else if let after = try index.keyframes(camera: camera, from: from, to: end).first {
            start = after
        } else {
            throw ArchiveError(
                .notRecorded,
                "nothing was recorded for camera \(camera) between \(TimeText.format(from)) and \(TimeText.format(end))")
        }
        let rows = try index.keyframes(camera: camera, from: start.wallClock, to: end)
        // Each segment with the first keyframe of it that the clip uses: where to start reading it, and when that is.
        var plan: [RecordedKeyframeRow] = []
        for row in rows where plan.last?.segment != row.segment { plan.append(row) }

        let partial = path + ".partial"
        var writer: ClipWriter? = nil
        var packets = 0
        var lastWritten: Double = 0
        do {
            for entry in plan {
                guard FileManager.default.fileExists(atPath: entry.segment) else {
                    throw ArchiveError(
                        .clipFailed, "segment '\(entry.segment)' of camera \(camera) is missing (removed by retention?)")
                }
                var options = DemuxOptions()
                options.skipInitialBytes = entry.byteOffset
                let demuxer = try Demuxer(source: .file(path: entry.segment), options: options)
                if writer == nil { writer = try ClipWriter(path: partial, streamOf: demuxer) }
                let timeBase = demuxer.videoTimeBase.value
                // Where this segment's first packet sits on the clip's timeline.
                let segmentOffset = entry.wallClock.timeIntervalSince(start.wallClock)
                let packet = MediaPacket()
                var base: Int64? = nil
                while try demuxer.readVideoPacket(into: packet) {
                    guard let dts = packet.dts ?? packet.pts else { continue }
                    if base == nil {
                        guard packet.isKeyframe else { continue }
                        base = dts
                    }
                    let seconds = segmentOffset + Double(dts - base!) * timeBase
                    if start.wallClock.addingTimeInterval(seconds) > end { break }
                    let pts = segmentOffset + Double((packet.pts ?? dts) - base!) * timeBase
                    if try writer!.write(
                        packet, dtsMicroseconds: Int64((seconds * 1e6).rounded()), ptsMicroseconds: Int64((pts * 1e6).rounded()))
                    {
                        packets += 1
                        lastWritten = max(lastWritten, pts)
                    }
                }
                if start.wallClock.addingTimeInterval(lastWritten) > end { break }
            }
            guard let writer, packets > 0 else {
                throw ArchiveError(
                    .notRecorded, "no recorded video for camera \(camera) from \(TimeText.format(from)) for \(duration) s")
            }
            try writer.finish()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch let error as ArchiveError {
            writer = nil
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        } catch let error as MediaError {
            writer = nil
            try? FileManager.default.removeItem(atPath: partial)
            throw ArchiveError(.clipFailed, "cannot cut the clip for camera \(camera)", underlying: error.message)
        } catch {
            writer = nil
            try? FileManager.default.removeItem(atPath: partial)
            throw ArchiveError(.clipFailed, "cannot write the clip '\(path)'", underlying: "\(error)")
        }
        return ClipSummary(
            camera: camera, path: path, startsAt: start.wallClock, askedFrom: from, duration: lastWritten, packets: packets,
            segments: plan.map(\.segment))
    }
}
