internal import CFFmpeg

/// A packet read from a `Demuxer`, reused from read to read. Not `Sendable`: it stays on the camera's thread.
public final class MediaPacket {
    let packet = Packet()

    public init() {}

    /// Presentation timestamp in the stream's time base, or nil.
    public var pts: Int64? { packet.pointer.pointee.pts == CFFmpeg_AV_NOPTS_VALUE() ? nil : packet.pointer.pointee.pts }
    /// Decoding timestamp in the stream's time base, or nil.
    public var dts: Int64? { packet.pointer.pointee.dts == CFFmpeg_AV_NOPTS_VALUE() ? nil : packet.pointer.pointee.dts }
    /// Duration in the stream's time base, when the container says.
    public var duration: Int64? { packet.pointer.pointee.duration > 0 ? packet.pointer.pointee.duration : nil }
    public var isKeyframe: Bool { packet.pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }
    public var size: Int { Int(packet.pointer.pointee.size) }

    /// Makes this packet hold `payload` with the given timestamps (in the stream's time base) and key flag: for packet
    /// sources that assemble packets themselves (RTP, a scripted test source) rather than reading them with a demuxer.
    public func fill(payload: [UInt8], pts: Int64?, dts: Int64?, duration: Int64? = nil, isKeyframe: Bool) {
        packet.unreference()
        // av_new_packet allocates the payload with FFmpeg's input padding, which decoders and muxers may read.
        guard av_new_packet(packet.pointer, Int32(payload.count)) >= 0 else { fatalError("av_new_packet failed: out of memory") }
        if let data = packet.pointer.pointee.data, !payload.isEmpty {
            payload.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: payload.count) }
        }
        packet.pointer.pointee.pts = pts ?? CFFmpeg_AV_NOPTS_VALUE()
        packet.pointer.pointee.dts = dts ?? CFFmpeg_AV_NOPTS_VALUE()
        packet.pointer.pointee.duration = duration ?? 0
        packet.pointer.pointee.flags = isKeyframe ? AV_PKT_FLAG_KEY : 0
    }
}

@available(*, unavailable)
extension MediaPacket: Sendable {}

extension Demuxer {
    /// Reads the next packet of the video stream into `packet`; false at the end of the input.
    public func readVideoPacket(into packet: MediaPacket) throws -> Bool {
        try readVideoPacket(into: packet.packet)
    }

    /// The video stream's time base.
    public var videoTimeBase: Rational { Rational(videoStream.pointee.time_base.num, videoStream.pointee.time_base.den) }
}
