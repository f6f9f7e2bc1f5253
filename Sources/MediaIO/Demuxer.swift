internal import CFFmpeg
import Foundation

/// An open input (file or stream) with its video stream selected. Every blocking call runs under a deadline.
///
/// Not `Sendable`: a demuxer lives on the one dedicated thread that reads it. Other threads end it through its
/// `interrupt` flag, never by calling it.
public final class Demuxer {
    let context: UnsafeMutablePointer<AVFormatContext>
    /// What the input contains.
    public let description: MediaDescription
    /// Aborts blocking calls from any thread.
    public let interrupt: InterruptFlag
    let options: DemuxOptions
    let videoStream: UnsafeMutablePointer<AVStream>
    /// The input is carried over RTP, and its gaps are counted in `RTPLossLedger`.
    private let countsRTPLoss: Bool
    /// FFmpeg's demuxers that read RTP.
    private static let rtpFormats: Set<String> = ["rtsp", "sdp", "rtp"]

    /// Opens `source` and probes its streams within `options.openTimeout`.
    /// - Throws: `MediaError` (`.refusedURL`, `.fileNotFound`, `.timeout`, `.invalidData`, `.noVideoStream`, …).
    /// Over 60 lines: FFmpeg's open sequence, where each failure must free exactly what was opened before it, in order.
    public init(source: MediaSource, options: DemuxOptions = DemuxOptions(), interrupt: InterruptFlag = InterruptFlag()) throws {
        self.options = options
        self.interrupt = interrupt
        let shown = source.locator
        let (openTarget, whitelist, scheme) = try Demuxer.resolve(source, policy: options.urlPolicy)

        var dictionary: OpaquePointer? = nil
        defer { av_dict_free(&dictionary) }
        av_dict_set(&dictionary, "protocol_whitelist", whitelist, 0)
        av_dict_set(&dictionary, "probesize", String(options.probeSize), 0)
        av_dict_set(&dictionary, "analyzeduration", String(Int64(options.analyzeDuration * 1e6)), 0)
        if scheme != nil {
            // A second, protocol-level bound besides the interrupt callback: socket reads give up on their own.
            av_dict_set(&dictionary, "rw_timeout", String(Int64(options.readTimeout * 1e6)), 0)
        }
        if scheme == nil && options.skipInitialBytes > 0 {
            av_dict_set(&dictionary, "skip_initial_bytes", String(options.skipInitialBytes), 0)
        }
        if scheme == "rtsp" || scheme == "rtsps" {
            av_dict_set(&dictionary, "rtsp_transport", options.rtspTransport, 0)
            // Over TCP FFmpeg passes RTP packets straight through and never notices a gap (a camera that drops packets
            // when its send buffer is full). With a queue of two, an in-order packet still passes at once, and a gap
            // holds one packet back before it is reported as missed (see `rtpPacketsLost`). Over UDP the default
            // queue (500 packets or 100 ms) stays: it also reorders.
            if options.rtspTransport == "tcp" { av_dict_set(&dictionary, "reorder_queue_size", "2", 0) }
        }

        guard var context = avformat_alloc_context() else { fatalError("avformat_alloc_context failed: out of memory") }
        context.pointee.interrupt_callback = interrupt.callback
        var contextOrNil: UnsafeMutablePointer<AVFormatContext>? = context
        interrupt.arm(seconds: options.openTimeout)
        var status = avformat_open_input(&contextOrNil, openTarget, nil, &dictionary)
        guard status >= 0, let opened = contextOrNil else {
            // avformat_open_input frees the context on failure.
            throw Demuxer.openError(status, source: shown, interrupt: interrupt, options: options, isFile: scheme == nil)
        }
        context = opened
        let format = context.pointee.iformat.map { String(cString: $0.pointee.name) } ?? "unknown"
        countsRTPLoss = Demuxer.rtpFormats.contains(format)
        if countsRTPLoss { RTPLossLedger.enter(context) }
        status = avformat_find_stream_info(context, nil)
        interrupt.arm(seconds: nil)
        guard status >= 0 else {
            if countsRTPLoss { RTPLossLedger.remove(context) }
            var closing: UnsafeMutablePointer<AVFormatContext>? = context
            avformat_close_input(&closing)
            throw Demuxer.openError(status, source: shown, interrupt: interrupt, options: options, isFile: scheme == nil)
        }

        let streams = (0..<Int(context.pointee.nb_streams)).map { Demuxer.describe(context, index: $0) }
        let best = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard best >= 0 else {
            if countsRTPLoss { RTPLossLedger.remove(context) }
            var closing: UnsafeMutablePointer<AVFormatContext>? = context
            avformat_close_input(&closing)
            let found = streams.isEmpty ? "no streams" : streams.map { "\($0.kind) \($0.codec)" }.joined(separator: ", ")
            throw MediaError(.noVideoStream, "no video stream in '\(shown)' (found: \(found))", averror: best)
        }
        // Only the video stream is read; demuxers that honour `discard` skip the others entirely.
        for index in 0..<Int(context.pointee.nb_streams) where index != Int(best) {
            CFFmpeg_stream(context, UInt32(index)).pointee.discard = AVDISCARD_ALL
        }
        self.context = context
        self.videoStream = CFFmpeg_stream(context, UInt32(best))
        let duration = context.pointee.duration
        self.description = MediaDescription(
            source: shown,
            format: format,
            duration: duration > 0 && duration != CFFmpeg_AV_NOPTS_VALUE()
                ? Double(duration) / Double(CFFmpeg_AV_TIME_BASE()) : nil,
            bitRate: context.pointee.bit_rate > 0 ? Int(context.pointee.bit_rate) : nil,
            streams: streams,
            videoStreamIndex: Int(best))
    }

    /// The sender's wall clock at timestamp 0 of the streams, in microseconds since 1970; nil until known, and for inputs
    /// that do not tell it.
    ///
    /// RTSP's RTCP sender reports pair an RTP timestamp with the camera's own NTP wall clock. FFmpeg's RTSP demuxer
    /// keeps the first report's pairing, moved back to the streams' timestamp 0, in `start_time_realtime` when that
    /// report arrives: a few seconds into a session (RTCP's first interval), so this is read after each packet, not
    /// once after the open.
    public var senderClockAtZero: Int64? {
        let value = context.pointee.start_time_realtime
        return value == CFFmpeg_AV_NOPTS_VALUE() || value <= 0 ? nil : value
    }

    /// RTP packets that never came since the input opened (FFmpeg's gap reports); nil for inputs not carried over RTP.
    ///
    /// Counted when FFmpeg gives up waiting for a packet: over UDP after its reorder queue's 100 ms, over TCP at the
    /// next packet after the gap. A camera that skips packets on a TCP connection is counted as well as a lossy network.
    public var rtpPacketsLost: Int? {
        countsRTPLoss ? RTPLossLedger.missed(context) : nil
    }

    /// Set when a read succeeded only because its deadline expired (see `readVideoPacket`).
    private var timedOutWithPacket = false

    /// Reads the next packet of the video stream into `packet`; false at end of input.
    func readVideoPacket(into packet: Packet) throws -> Bool {
        if timedOutWithPacket {
            timedOutWithPacket = false
            throw MediaError(.timeout, "no data from '\(description.source)' for \(Demuxer.seconds(options.readTimeout))")
        }
        while true {
            packet.unreference()
            // FFmpeg polls the callback only when it reads; data already buffered would be served after an abort.
            if interrupt.isAborted {
                throw MediaError(.aborted, "reading '\(description.source)' was aborted")
            }
            interrupt.arm(seconds: options.readTimeout)
            let status = av_read_frame(context, packet.pointer)
            interrupt.arm(seconds: nil)
            if status == CFFmpeg_AVERROR_EOF() { return false }
            if status == CFFmpeg_AVERROR(EAGAIN) { continue }
            if status < 0 {
                if interrupt.isAborted {
                    throw MediaError(.aborted, "reading '\(description.source)' was aborted", averror: status)
                }
                if interrupt.deadlineExpired {
                    throw MediaError(
                        .timeout, "no data from '\(description.source)' for \(Demuxer.seconds(options.readTimeout))",
                        averror: status)
                }
                throw MediaError(.readFailed, "reading '\(description.source)' failed: \(avErrorText(status))", averror: status)
            }
            // An abort mid-read makes FFmpeg flush its parsers and return what they held as a successful read: at a
            // stop that was a 6-byte access unit (a delimiter, no picture) at the end of the last segment, which
            // decoders then report. Nothing read after an abort is delivered.
            if interrupt.isAborted {
                packet.unreference()
                throw MediaError(.aborted, "reading '\(description.source)' was aborted")
            }
            // When the deadline expires mid-read, FFmpeg flushes its parsers and returns the frame they held as a
            // successful read; deliver it, and report the stall on the next call instead of waiting another timeout.
            if interrupt.deadlineExpired { timedOutWithPacket = true }
            if packet.pointer.pointee.stream_index == videoStream.pointee.index { return true }
        }
    }

    deinit {
        if countsRTPLoss { RTPLossLedger.remove(context) }
        var closing: UnsafeMutablePointer<AVFormatContext>? = context
        // Closing a network input can block (RTSP TEARDOWN); bound it like every other call.
        interrupt.arm(seconds: options.readTimeout)
        avformat_close_input(&closing)
    }

    /// The string handed to FFmpeg, the protocol whitelist, and the URL scheme (nil for local files).
    private static func resolve(_ source: MediaSource, policy: URLPolicy) throws -> (String, String, String?) {
        switch source {
        case .file(let path):
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw MediaError(.fileNotFound, "cannot open '\(path)': \(String(cString: strerror(errno)))")
            }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw MediaError(.fileNotFound, "cannot open '\(path)': not a regular file")
            }
            // "file:" makes FFmpeg take the whole text as a path, so a name like "concat:a|b" stays a file name.
            return ("file:" + source.locator, "file", nil)
        case .url(let url):
            let scheme = try policy.check(url)
            return (url, URLPolicy.protocolWhitelist(forScheme: scheme), scheme)
        }
    }

    private static func openError(
        _ status: Int32, source: String, interrupt: InterruptFlag, options: DemuxOptions, isFile: Bool
    ) -> MediaError {
        if interrupt.isAborted {
            return MediaError(.aborted, "opening '\(source)' was aborted", averror: status)
        }
        if interrupt.deadlineExpired {
            return MediaError(.timeout, "opening '\(source)' timed out after \(seconds(options.openTimeout))", averror: status)
        }
        let text = avErrorText(status)
        if status == CFFmpeg_AVERROR_INVALIDDATA() {
            let hint = isFile ? " (not a media file, or damaged/truncated)" : ""
            return MediaError(.invalidData, "cannot open '\(source)': \(text)\(hint)", averror: status)
        }
        if status == CFFmpeg_AVERROR_PROTOCOL_NOT_FOUND() {
            return MediaError(.refusedURL, "cannot open '\(source)': protocol not allowed or not available", averror: status)
        }
        return MediaError(.openFailed, "cannot open '\(source)': \(text)", averror: status)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    private static func describe(_ context: UnsafeMutablePointer<AVFormatContext>, index: Int) -> StreamDescription {
        let stream = CFFmpeg_stream(context, UInt32(index))!
        let parameters = stream.pointee.codecpar!.pointee
        let kind = av_get_media_type_string(parameters.codec_type).map { String(cString: $0) } ?? "unknown"
        let codec = String(cString: avcodec_get_name(parameters.codec_id))
        let profile = avcodec_profile_name(parameters.codec_id, parameters.profile).map { String(cString: $0) }
        let isVideo = parameters.codec_type == AVMEDIA_TYPE_VIDEO
        let isAudio = parameters.codec_type == AVMEDIA_TYPE_AUDIO
        let pixelFormat =
            isVideo && parameters.format >= 0
            ? av_get_pix_fmt_name(AVPixelFormat(rawValue: parameters.format)).map { String(cString: $0) } : nil
        let rate = stream.pointee.avg_frame_rate.den != 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
        return StreamDescription(
            index: index,
            kind: kind,
            codec: codec,
            profile: profile,
            timeBase: Rational(stream.pointee.time_base.num, stream.pointee.time_base.den),
            width: isVideo && parameters.width > 0 ? Int(parameters.width) : nil,
            height: isVideo && parameters.height > 0 ? Int(parameters.height) : nil,
            pixelFormat: pixelFormat,
            frameRate: isVideo && rate.den != 0 && rate.num > 0 ? Double(rate.num) / Double(rate.den) : nil,
            bitRate: parameters.bit_rate > 0 ? Int(parameters.bit_rate) : nil,
            sampleRate: isAudio && parameters.sample_rate > 0 ? Int(parameters.sample_rate) : nil,
            channels: isAudio && parameters.ch_layout.nb_channels > 0 ? Int(parameters.ch_layout.nb_channels) : nil,
            declaredFrames: stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil)
    }
}

@available(*, unavailable)
extension Demuxer: Sendable {}
