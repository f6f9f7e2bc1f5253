/// How an input is opened and read. The defaults suit a camera on a local network and local files.
public struct DemuxOptions: Sendable, Equatable {
    /// Seconds allowed for opening the input and probing its streams.
    public var openTimeout: Double = 10
    /// Seconds allowed for any one packet read (a stalled camera fails after this).
    public var readTimeout: Double = 10
    /// Bytes FFmpeg may read to identify the streams (bounded so a hostile input cannot make probing unbounded).
    public var probeSize: Int64 = 5_000_000
    /// Seconds of media FFmpeg may analyse to identify the streams.
    public var analyzeDuration: Double = 5
    /// RTSP transport, by FFmpeg's name ("tcp", "udp", "udp_multicast", "http"): "tcp" by default, because packet
    /// loss over UDP smears pictures into false blur.
    public var rtspTransport: String = "tcp"
    /// Which URL schemes may be opened.
    public var urlPolicy: URLPolicy = .default
    /// Bytes of a local file to skip before reading (a clip starting at a keyframe's recorded offset in a segment).
    public var skipInitialBytes: Int64 = 0

    public init() {}
}
