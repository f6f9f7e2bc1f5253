public import CameraRegistry
import Foundation
public import MediaIO

/// A camera's video as packets: the seam between how video arrives (an FFmpeg demuxer for URLs today; RTP/PS for
/// GB/T 28181 channels next) and what ingest does with it (record, index, analyse).
///
/// Not `Sendable`: a source lives on its worker's thread, which alone calls it. Another thread ends a blocked call
/// through the `InterruptFlag` the source was opened with (`abort()`), never by calling the source.
public protocol PacketSource: AnyObject {
    /// The video stream: codec, its configuration and the time base of the packets' timestamps.
    var codec: StreamCodec { get }

    /// Reads the next video packet into `packet`, under the read deadline; false when the stream ended.
    /// - Throws: `MediaError`: `.timeout` when no data came within the deadline, `.aborted` after an abort, others as
    ///   the transport reports them (with the AVERROR code, so a refusal is told by code, not by text).
    func read(into packet: MediaPacket) throws -> Bool

    /// Releases the connection. Abort first when the peer is dead, so closing does not wait for a polite goodbye.
    func close()

    /// How the video is carried, where the URL's scheme allows more than one way (RTSP: "tcp", "udp", …).
    var transport: String? { get }

    /// For sources carried over RTP (GB/T 28181 channels, RTSP): what they lost since they opened; nil for others.
    var reception: ReceptionCounts? { get }

    /// The camera's wall clock at the packets' timestamp 0, in microseconds since 1970, once the camera has told it
    /// (RTSP: its first RTCP sender report; GB/T 28181: its device's DeviceStatus time, pinned at the first frame); nil
    /// before, and for sources that do not tell it.
    var senderClockAtZero: Int64? { get }
}

extension PacketSource {
    public var transport: String? { nil }
    public var reception: ReceptionCounts? { nil }
    public var senderClockAtZero: Int64? { nil }
}

/// What a source lost on the way, counted since it opened: RTP packets that never came, and whole frames dropped
/// because a packet of theirs was lost (or while waiting for the next keyframe after a loss).
public struct ReceptionCounts: Sendable, Equatable {
    public var packetsLost: Int
    public var framesDropped: Int

    public init(packetsLost: Int = 0, framesDropped: Int = 0) {
        self.packetsLost = packetsLost
        self.framesDropped = framesDropped
    }
}

/// Opens a camera's packet source under the open deadline. Shared by a supervisor's workers, hence `Sendable`.
public protocol PacketSourceOpener: Sendable {
    /// Opens the source on the calling (worker) thread; `interrupt.abort()` from another thread ends the open at once.
    /// - Throws: `MediaError`.
    func open(interrupt: InterruptFlag) throws -> any PacketSource
}

/// Opens the cameras FFmpeg does not read (`gb28181://DEVICE/CHANNEL`, which the SIP server invites): an opener for
/// the camera, or nil to read its URL with FFmpeg.
public typealias SourceProvider = @Sendable (CameraEndpoint, DemuxOptions) -> (any PacketSourceOpener)?

/// A camera URL (RTSP, RTMP, HLS, SRT, UDP) read by FFmpeg's demuxer under the URL policy and deadlines.
///
/// RTSP goes over the camera's pinned transport, or else over TCP, and over UDP when the server refuses TCP (461
/// Unsupported Transport): it was "offline, refused" for ever before. Each connection asks for TCP again, which costs
/// one RTSP round trip against such a server, so a camera that starts offering TCP (a firmware update) gets it.
/// FFmpeg's own fallback (`rtsp_transport=tcp+udp`) cannot be used: it tries UDP first.
public struct URLSourceOpener: PacketSourceOpener {
    /// The URL with its credentials; never logged or reported.
    let connectionURL: String
    let options: DemuxOptions
    /// The camera's RTSP transport, if pinned.
    let rtspTransport: RTSPTransport?

    public init(connectionURL: String, options: DemuxOptions, rtspTransport: RTSPTransport? = nil) {
        self.connectionURL = connectionURL
        self.options = options
        self.rtspTransport = rtspTransport
    }

    public func open(interrupt: InterruptFlag) throws -> any PacketSource {
        let scheme = connectionURL.prefix { $0 != ":" }.lowercased()
        guard scheme == "rtsp" || scheme == "rtsps" else { return try open(options, transport: nil, interrupt: interrupt) }
        if let rtspTransport { return try open(transport: rtspTransport.rawValue, interrupt: interrupt) }
        do {
            return try open(transport: RTSPTransport.tcp.rawValue, interrupt: interrupt)
        } catch let error as MediaError where error.serverRefusal == .unsupportedTransport {
            return try open(transport: RTSPTransport.udp.rawValue, interrupt: interrupt)
        }
    }

    private func open(transport: String, interrupt: InterruptFlag) throws -> any PacketSource {
        var options = options
        options.rtspTransport = transport
        return try open(options, transport: transport, interrupt: interrupt)
    }

    private func open(_ options: DemuxOptions, transport: String?, interrupt: InterruptFlag) throws -> any PacketSource {
        DemuxerSource(try Demuxer(source: .url(connectionURL), options: options, interrupt: interrupt), transport: transport)
    }
}

/// The FFmpeg demuxer as a packet source.
final class DemuxerSource: PacketSource {
    private var demuxer: Demuxer?
    let codec: StreamCodec
    let transport: String?

    init(_ demuxer: Demuxer, transport: String?) {
        self.demuxer = demuxer
        codec = demuxer.videoCodec
        self.transport = transport
    }

    func read(into packet: MediaPacket) throws -> Bool {
        guard let demuxer else { throw MediaError(.aborted, "reading a closed source") }
        return try demuxer.readVideoPacket(into: packet)
    }

    var senderClockAtZero: Int64? { demuxer?.senderClockAtZero }

    /// RTSP's lost RTP packets, as FFmpeg reports its gaps; FFmpeg drops no whole frames of its own accord.
    var reception: ReceptionCounts? { demuxer?.rtpPacketsLost.map { ReceptionCounts(packetsLost: $0) } }

    /// Closing a network input can block (RTSP TEARDOWN) up to the read deadline, unless its interrupt was aborted.
    func close() { demuxer = nil }
}

@available(*, unavailable)
extension DemuxerSource: Sendable {}
