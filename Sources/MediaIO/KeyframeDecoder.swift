internal import CFFmpeg
import Foundation

/// Decodes keyframes only (`skip_frame = AVDISCARD_NONKEY`) and computes their `FrameStats` on the decoded planes.
///
/// Not `Sendable`: a decoder and its frames stay on the thread that feeds it. With more than one thread, FFmpeg's
/// frame threading returns each frame `threads − 1` packets later; `decode` hands results back in packet order.
final class KeyframeDecoder {
    private let context: UnsafeMutablePointer<AVCodecContext>
    private let frame = Frame()
    private let source: String
    /// Whether `concealed` can be trusted: only when one thread decodes. With more, FFmpeg 5.1's H.264 decoder reported
    /// the concealment of a damaged keyframe on some keyframes only (the fault clip `corrupt`, every keyframe of its
    /// fault damaged: 22 of 60 flagged with frame threads, about 40 with slice threads, all 60 with one thread), so
    /// the flag depended on which thread decoded the picture; with more threads it is left out (not judged).
    private let judgesConcealment: Bool

    /// Codecs whose keyframe decoding Skygate supports and tests.
    static let supportedCodecs: Set<String> = ["h264", "hevc"]

    /// 8-bit planar YUV layouts the statistics read directly.
    private static let supportedPixelFormats: Set<Int32> = [
        AV_PIX_FMT_YUV420P.rawValue, AV_PIX_FMT_YUVJ420P.rawValue,
        AV_PIX_FMT_YUV422P.rawValue, AV_PIX_FMT_YUVJ422P.rawValue,
        AV_PIX_FMT_YUV444P.rawValue, AV_PIX_FMT_YUVJ444P.rawValue,
    ]

    /// Opens a decoder for the demuxer's video stream; `threads` 0 lets FFmpeg choose.
    convenience init(for demuxer: Demuxer, threads: Int) throws {
        try self.init(
            parameters: demuxer.videoStream.pointee.codecpar, timeBase: demuxer.videoStream.pointee.time_base,
            source: demuxer.description.source, threads: threads)
    }

    /// Opens a decoder for a stream described by `parameters`; `threads` 0 lets FFmpeg choose.
    init(parameters: UnsafePointer<AVCodecParameters>, timeBase: AVRational, source: String, threads: Int) throws {
        self.source = source
        judgesConcealment = threads == 1
        let codecName = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        guard KeyframeDecoder.supportedCodecs.contains(codecName), let codec = avcodec_find_decoder(parameters.pointee.codec_id)
        else {
            throw MediaError(
                .unsupportedCodec,
                "cannot analyse '\(source)': video codec \(codecName) is not supported (H.264 and HEVC are); index it with --no-analyze"
            )
        }
        guard let context = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3 failed: out of memory") }
        self.context = context
        var status = avcodec_parameters_to_context(context, parameters)
        if status >= 0 {
            context.pointee.pkt_timebase = timeBase
            context.pointee.skip_frame = AVDISCARD_NONKEY
            context.pointee.thread_count = Int32(threads)
            status = avcodec_open2(context, codec, nil)
        }
        guard status >= 0 else {
            throw MediaError(
                .decodeFailed, "cannot open the \(codecName) decoder for '\(source)': \(avErrorText(status))", averror: status)
        }
        if parameters.pointee.format >= 0 {
            try checkPixelFormat(parameters.pointee.format)
        }
    }

    /// A decoded keyframe: its pts, its statistics, and a JPEG of it when one was asked for.
    typealias Decoded = (pts: Int64?, stats: FrameStats, thumbnail: Data?)

    /// Sends one key packet and returns the frames that came out (with `thumbnailWidth`, as `flush`). A damaged packet is not an error here: it yields no
    /// frame, and the caller counts it.
    func decode(_ packet: Packet, thumbnailWidth: Int? = nil) throws -> [Decoded] {
        let status = avcodec_send_packet(context, packet.pointer)
        if status < 0 && status != CFFmpeg_AVERROR(EAGAIN) && status != CFFmpeg_AVERROR_INVALIDDATA() {
            throw MediaError(.decodeFailed, "decoding '\(source)' failed: \(avErrorText(status))", averror: status)
        }
        return try receiveFrames(thumbnailWidth: thumbnailWidth)
    }

    /// Frames per second the stream's headers declare, as the decoder read them from the H.264 SPS or the HEVC VPS/SPS
    /// timing information; nil before the first keyframe or when the encoder wrote no timing. FFmpeg 5.1 has no
    /// `framerate` in `AVCodecParameters`, and the demuxer's `avg_frame_rate` of a live stream is estimated from the
    /// first packets' timestamps, so the decoder's context is the one place that holds what the camera declares.
    var declaredFrameRate: Double? {
        let rate = context.pointee.framerate
        return rate.num > 0 && rate.den > 0 ? Double(rate.num) / Double(rate.den) : nil
    }

    /// Makes a drained decoder ready for new input (keeping its configuration).
    func reset() { avcodec_flush_buffers(context) }

    /// Drains the frames still inside the decoder at end of input; with `thumbnailWidth`, each frame also comes out
    /// as a JPEG at most that wide (a picture failing to encode is no thumbnail, not an error).
    func flush(thumbnailWidth: Int? = nil) throws -> [Decoded] {
        _ = avcodec_send_packet(context, nil)
        return try receiveFrames(thumbnailWidth: thumbnailWidth)
    }

    private func receiveFrames(thumbnailWidth: Int?) throws -> [Decoded] {
        var results: [Decoded] = []
        while true {
            let status = avcodec_receive_frame(context, frame.pointer)
            if status == CFFmpeg_AVERROR(EAGAIN) || status == CFFmpeg_AVERROR_EOF() { return results }
            if status == CFFmpeg_AVERROR_INVALIDDATA() { continue }
            if status < 0 {
                throw MediaError(.decodeFailed, "decoding '\(source)' failed: \(avErrorText(status))", averror: status)
            }
            defer { frame.unreference() }
            let decoded = frame.pointer.pointee
            try checkPixelFormat(decoded.format)
            let timestamp = decoded.best_effort_timestamp
            let thumbnail = thumbnailWidth.flatMap {
                try? SnapshotEncoder.jpeg(of: frame, maxWidth: $0, quality: SnapshotEncoder.thumbnailQuality)
            }
            var stats = statistics(of: decoded)
            // With skip_frame = nonkey only intra pictures are decoded, so a missing reference cannot be the cause: any
            // flag is damage in the keyframe's own bitstream. FFmpeg's H.264 decoder outputs such a frame (the
            // default `output_corrupt`) after error concealment, and says so in `decode_error_flags` (concealment
            // active, invalid bitstream) and, for a picture it cannot trust, AV_FRAME_FLAG_CORRUPT.
            if judgesConcealment {
                stats.concealed = decoded.decode_error_flags != 0 || decoded.flags & AV_FRAME_FLAG_CORRUPT != 0
            }
            results.append((timestamp == CFFmpeg_AV_NOPTS_VALUE() ? nil : timestamp, stats, thumbnail))
        }
    }

    private func statistics(of frame: AVFrame) -> FrameStats {
        let descriptor = av_pix_fmt_desc_get(AVPixelFormat(rawValue: frame.format))!.pointee
        let width = Int(frame.width)
        let height = Int(frame.height)
        let chromaWidth = (width + (1 << Int(descriptor.log2_chroma_w)) - 1) >> Int(descriptor.log2_chroma_w)
        let chromaHeight = (height + (1 << Int(descriptor.log2_chroma_h)) - 1) >> Int(descriptor.log2_chroma_h)
        func plane(_ index: Int, _ planeWidth: Int, _ planeHeight: Int) -> Plane {
            let pointer = withUnsafeBytes(of: frame.data) {
                $0.load(
                    fromByteOffset: index * MemoryLayout<UnsafeMutablePointer<UInt8>?>.stride,
                    as: UnsafeMutablePointer<UInt8>?.self)
            }
            let stride = withUnsafeBytes(of: frame.linesize) {
                $0.load(fromByteOffset: index * MemoryLayout<Int32>.stride, as: Int32.self)
            }
            return Plane(base: UnsafePointer(pointer!), width: planeWidth, height: planeHeight, stride: Int(stride))
        }
        return FrameStatistics.compute(
            luma: plane(0, width, height), u: plane(1, chromaWidth, chromaHeight), v: plane(2, chromaWidth, chromaHeight))
    }

    private func checkPixelFormat(_ format: Int32) throws {
        guard KeyframeDecoder.supportedPixelFormats.contains(format) else {
            let name = av_get_pix_fmt_name(AVPixelFormat(rawValue: format)).map { String(cString: $0) } ?? "unknown (\(format))"
            throw MediaError(
                .unsupportedPixelFormat,
                "cannot analyse '\(source)': pixel format \(name) is not supported (statistics need 8-bit planar YUV: "
                    + "yuv420p, yuvj420p, yuv422p, yuv444p); index it with --no-analyze")
        }
    }

    deinit {
        var closing: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&closing)
    }
}

@available(*, unavailable)
extension KeyframeDecoder: Sendable {}
