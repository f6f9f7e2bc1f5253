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
