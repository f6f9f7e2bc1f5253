/// One keyframe as the container reports it: where it is and when, without decoding it.
public struct KeyframePacket: Sendable, Codable, Equatable {
    /// Presentation timestamp in the stream's time base (nil when the container gives none).
    public var pts: Int64?
    /// Decoding timestamp in the stream's time base.
    public var dts: Int64?
    /// The stream's time base.
    public var timeBase: Rational
    /// `pts` (or `dts` when there is no pts) in seconds, as ffprobe's `pts_time`.
    public var seconds: Double?
    /// Byte offset of the packet in the input (nil for live streams that have none).
    public var position: Int64?
    /// Packet size in bytes.
    public var size: Int
    /// The demuxer flagged the packet as corrupt.
    public var isCorrupt: Bool
    /// The demuxer flagged the packet to be discarded after decoding (e.g. before an MP4 edit list's start).
    public var isDiscardable: Bool
}
