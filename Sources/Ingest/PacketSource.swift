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
}

/// Opens a camera's packet source under the open deadline. Shared by a supervisor's workers, hence `Sendable`.
public protocol PacketSourceOpener: Sendable {
    /// Opens the source on the calling (worker) thread; `interrupt.abort()` from another thread ends the open at once.
    /// - Throws: `MediaError`.
    func open(interrupt: InterruptFlag) throws -> any PacketSource
}

/// A camera URL (RTSP, RTMP, HLS, SRT, UDP) read by FFmpeg's demuxer under the URL policy and deadlines.
public struct URLSourceOpener: PacketSourceOpener {
    /// The URL with its credentials; never logged or reported.
    let connectionURL: String
    let options: DemuxOptions

    public init(connectionURL: String, options: DemuxOptions) {
        self.connectionURL = connectionURL
        self.options = options
    }

    public func open(interrupt: InterruptFlag) throws -> any PacketSource {
        DemuxerSource(try Demuxer(source: .url(connectionURL), options: options, interrupt: interrupt))
    }
}

/// The FFmpeg demuxer as a packet source.
final class DemuxerSource: PacketSource {
    private var demuxer: Demuxer?
    let codec: StreamCodec

    init(_ demuxer: Demuxer) {
        self.demuxer = demuxer
        codec = demuxer.videoCodec
    }

    func read(into packet: MediaPacket) throws -> Bool {
        guard let demuxer else { throw MediaError(.aborted, "reading a closed source") }
        return try demuxer.readVideoPacket(into: packet)
    }

    /// Closing a network input can block (RTSP TEARDOWN) up to the read deadline, unless its interrupt was aborted.
    func close() { demuxer = nil }
}

@available(*, unavailable)
extension DemuxerSource: Sendable {}
