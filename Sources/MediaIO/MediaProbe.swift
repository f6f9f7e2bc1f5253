internal import CFFmpeg

/// How far apart keyframes are, estimated from the first packets of a stream.
public struct GOPEstimate: Sendable, Codable, Equatable {
    /// Median number of frames from one keyframe to the next, in presentation order (0 when the frame rate is unknown).
    public var frames: Int
    /// Median seconds from one keyframe to the next.
    public var seconds: Double
    /// Keyframe intervals the estimate is based on.
    public var intervalsSeen: Int
    /// All intervals seen had the same length (a fixed GOP rather than scene-cut keyframes).
    public var isFixed: Bool
}

/// A description of an input and its GOP, for `skygate probe`.
public struct ProbeReport: Sendable, Codable, Equatable {
    public var media: MediaDescription
    /// Nil when fewer than two keyframes were seen within the probe's limits.
    public var gop: GOPEstimate?
}

/// Opens an input and reads a bounded number of packets to describe it; decodes nothing.
public enum MediaProbe {
    /// Reads at most `maxPackets` video packets or until `maxIntervals` keyframe intervals are seen.
    /// Blocking: call from a dedicated thread.
    public static func probe(
        _ source: MediaSource, options: DemuxOptions = DemuxOptions(), maxPackets: Int = 3_000, maxIntervals: Int = 8,
        interrupt: InterruptFlag = InterruptFlag()
    ) throws -> ProbeReport {
        let demuxer = try Demuxer(source: source, options: options, interrupt: interrupt)
        let packet = Packet()
        var keyframeTimes: [Double] = []
        var read = 0
        let timeBase = demuxer.videoStream.pointee.time_base
        // Intervals are measured in presentation time: in decoding order, open-GOP streams (HEVC CRA) put leading
        // pictures after the keyframe, so counting packets between key flags would misjudge the GOP.
        while read < maxPackets, keyframeTimes.count <= maxIntervals, try demuxer.readVideoPacket(into: packet) {
            let raw = packet.pointer.pointee
            let timestamp = raw.pts != CFFmpeg_AV_NOPTS_VALUE() ? raw.pts : raw.dts
            if raw.flags & AV_PKT_FLAG_KEY != 0, timestamp != CFFmpeg_AV_NOPTS_VALUE() {
                keyframeTimes.append(Double(timestamp) * Double(timeBase.num) / Double(timeBase.den))
            }
            read += 1
        }
        let sorted = keyframeTimes.sorted()
        let gaps = zip(sorted.dropFirst(), sorted).map { $0 - $1 }
        guard !gaps.isEmpty else { return ProbeReport(media: demuxer.description, gop: nil) }
        let frameRate = demuxer.description.videoStream.frameRate ?? 0
        let frameGaps = gaps.map { frameRate > 0 ? Int(($0 * frameRate).rounded()) : 0 }
        return ProbeReport(
            media: demuxer.description,
            gop: GOPEstimate(
                frames: frameGaps.sorted()[frameGaps.count / 2],
                seconds: gaps.sorted()[gaps.count / 2],
                intervalsSeen: gaps.count,
                isFixed: frameRate > 0 ? Set(frameGaps).count == 1 : Set(gaps.map { ($0 * 1000).rounded() }).count == 1))
    }
}
