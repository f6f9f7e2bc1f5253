internal import CFFmpeg
public import Foundation

/// A recorded keyframe as a JPEG picture: the gateway's "latest snapshot" of a camera.
///
/// Reads the keyframe from its segment at the byte offset the index recorded, decodes it, scales it to at most
/// `maxWidth` (keeping the aspect ratio) into full-range YUV, and encodes it with FFmpeg's MJPEG encoder. Blocking:
/// call it on a thread of your own, never on Swift's cooperative pool.
public enum SnapshotEncoder {
    /// The width of a thumbnail: a tile of a keyframe wall, 5–15 KB as JPEG.
    public static let thumbnailWidth = 320
    /// A thumbnail's quantiser (`-q:v`): coarser than a snapshot's, it is a small tile.
    static let thumbnailQuality = 6

    /// - Throws: `MediaError` `.fileNotFound`, `.invalidData` (no keyframe at or after the offset), `.decodeFailed`
    ///   or `.writeFailed` (the encoder refused the picture).
    public static func jpeg(segment path: String, byteOffset: Int64, maxWidth: Int = 1280, quality: Int = 4) throws -> Data {
        let demuxer = try Demuxer(source: .file(path: path))
        // The index's offset is the keyframe's first TS packet; a byte seek lands the demuxer there.
        guard av_seek_frame(demuxer.context, -1, byteOffset, AVSEEK_FLAG_BYTE) >= 0 else {
            throw MediaError(.invalidData, "cannot seek to byte \(byteOffset) of '\(path)'")
        }
        let packet = Packet()
        var found = false
        while try demuxer.readVideoPacket(into: packet) {
            if packet.pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 {
                found = true
                break
            }
        }
        guard found else { throw MediaError(.invalidData, "no keyframe at or after byte \(byteOffset) of '\(path)'") }
        let frame = try decode(packet, stream: demuxer.videoStream, source: path)
        return try jpeg(of: frame, maxWidth: maxWidth, quality: quality)
    }

    /// A decoded picture as a JPEG at most `maxWidth` wide: how the analyser makes a thumbnail of a keyframe it has
    /// already decoded, with no second decode.
    static func jpeg(of frame: Frame, maxWidth: Int, quality: Int) throws -> Data {
        try encode(try scale(frame, maxWidth: maxWidth), quality: quality)
    }

    private static func decode(_ packet: Packet, stream: UnsafeMutablePointer<AVStream>, source: String) throws -> Frame {
        guard let codec = avcodec_find_decoder(stream.pointee.codecpar.pointee.codec_id) else {
            throw MediaError(.unsupportedCodec, "no decoder for the video of '\(source)'")
        }
        var context = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&context) }
        guard let context else { fatalError("avcodec_alloc_context3 failed: out of memory") }
        var status = avcodec_parameters_to_context(context, stream.pointee.codecpar)
        if status >= 0 { status = avcodec_open2(context, codec, nil) }
        if status >= 0 { status = avcodec_send_packet(context, packet.pointer) }
        // Draining makes a decoder with reordering give up the keyframe now instead of after later packets.
        if status >= 0 { status = avcodec_send_packet(context, nil) }
        let frame = Frame()
        if status >= 0 { status = avcodec_receive_frame(context, frame.pointer) }
        guard status >= 0 else {
            throw MediaError(.decodeFailed, "cannot decode the keyframe of '\(source)': \(avErrorText(status))", averror: status)
        }
        return frame
    }

    private static func scale(_ frame: Frame, maxWidth: Int) throws -> Frame {
        let source = frame.pointer.pointee
        let width = min(Int(source.width), maxWidth) & ~1
        let height = max(2, (Int(source.height) * width / Int(source.width)) & ~1)
        let output = Frame()
        output.pointer.pointee.width = Int32(width)
        output.pointer.pointee.height = Int32(height)
        output.pointer.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        guard av_frame_get_buffer(output.pointer, 0) >= 0 else { fatalError("av_frame_get_buffer failed: out of memory") }
        guard
            let scaler = sws_getContext(
                source.width, source.height, AVPixelFormat(rawValue: source.format), Int32(width), Int32(height),
                AV_PIX_FMT_YUVJ420P, SWS_BICUBIC, nil, nil, nil)
        else { throw MediaError(.unsupportedPixelFormat, "cannot scale pixel format \(source.format) to JPEG") }
        defer { sws_freeContext(scaler) }
        let lines = withUnsafePointer(to: frame.pointer.pointee.data) { data in
            withUnsafePointer(to: frame.pointer.pointee.linesize) { sizes in
                withUnsafePointer(to: output.pointer.pointee.data) { outData in
                    withUnsafePointer(to: output.pointer.pointee.linesize) { outSizes in
                        data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { data in
                            sizes.withMemoryRebound(to: Int32.self, capacity: 8) { sizes in
                                outData.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { outData in
                                    outSizes.withMemoryRebound(to: Int32.self, capacity: 8) { outSizes in
                                        sws_scale(scaler, data, sizes, 0, source.height, outData, outSizes)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard lines > 0 else { throw MediaError(.decodeFailed, "scaling the keyframe failed") }
        return output
    }

    private static func encode(_ frame: Frame, quality: Int) throws -> Data {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else {
            throw MediaError(.writeFailed, "this FFmpeg has no MJPEG encoder")
        }
        var context = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&context) }
        guard let context else { fatalError("avcodec_alloc_context3 failed: out of memory") }
        context.pointee.width = frame.pointer.pointee.width
        context.pointee.height = frame.pointer.pointee.height
        context.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        context.pointee.time_base = AVRational(num: 1, den: 25)
        // A fixed quantiser (2 best … 31 worst), as `ffmpeg -q:v` sets it.
        context.pointee.flags |= AV_CODEC_FLAG_QSCALE
        context.pointee.global_quality = Int32(quality) * FF_QP2LAMBDA
        frame.pointer.pointee.quality = context.pointee.global_quality
        frame.pointer.pointee.pts = 0
        var status = avcodec_open2(context, codec, nil)
        if status >= 0 { status = avcodec_send_frame(context, frame.pointer) }
        if status >= 0 { status = avcodec_send_frame(context, nil) }
        let packet = Packet()
        if status >= 0 { status = avcodec_receive_packet(context, packet.pointer) }
        guard status >= 0 else {
            throw MediaError(.writeFailed, "cannot encode the snapshot as JPEG: \(avErrorText(status))", averror: status)
        }
        return Data(bytes: packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size))
    }
}
