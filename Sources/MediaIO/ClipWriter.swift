internal import CFFmpeg
import Foundation

/// Writes one video stream by stream copy into an MP4 file (`+faststart`, so it plays while downloading).
///
/// Packets come from demuxers of recorded segments, possibly several in a row; the caller gives each packet its
/// timestamps on the clip's own timeline (in microseconds, starting at 0). Not `Sendable`: one thread writes a clip.
public final class ClipWriter {
    private var output: UnsafeMutablePointer<AVFormatContext>?
    private let path: String
    private let scratch = Packet()
    private var lastDTS: Int64 = .min
    private var written = false
    private static let clipTimeBase = AVRational(num: 1, den: 1_000_000)

    /// Creates `path` (replacing it) with the video stream of `demuxer`, whose packets will follow.
    public init(path: String, streamOf demuxer: Demuxer) throws {
        self.path = path
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        guard avformat_alloc_output_context2(&context, nil, "mp4", nil) >= 0, let context else {
            throw MediaError(.writeFailed, "cannot create an MP4 muxer")
        }
        guard let stream = avformat_new_stream(context, nil) else { fatalError("avformat_new_stream failed: out of memory") }
        avcodec_parameters_copy(stream.pointee.codecpar, demuxer.videoStream.pointee.codecpar)
        // The TS tag means nothing in MP4; the muxer picks avc1/hvc1 itself.
        stream.pointee.codecpar.pointee.codec_tag = 0
        if demuxer.videoStream.pointee.codecpar.pointee.codec_id == AV_CODEC_ID_HEVC {
            stream.pointee.codecpar.pointee.codec_tag = MKTAG("h", "v", "c", "1")
        }
        stream.pointee.time_base = AVRational(num: 1, den: 90_000)
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        av_dict_set(&options, "protocol_whitelist", "file", 0)
        // `+faststart` reopens the file by its URL to move the index to the front; only the file protocol may do it.
        context.pointee.url = av_strdup("file:" + path)
        context.pointee.protocol_whitelist = av_strdup("file")
        var status = avio_open2(&context.pointee.pb, "file:" + path, AVIO_FLAG_WRITE, nil, &options)
        var muxerOptions: OpaquePointer? = nil
        defer { av_dict_free(&muxerOptions) }
        av_dict_set(&muxerOptions, "movflags", "+faststart", 0)
        if status >= 0 { status = avformat_write_header(context, &muxerOptions) }
        guard status >= 0 else {
            avio_closep(&context.pointee.pb)
            avformat_free_context(context)
            throw MediaError(.writeFailed, "cannot create clip '\(path)': \(avErrorText(status))", averror: status)
        }
        output = context
    }

    /// Writes `packet` at `dts`/`pts` microseconds on the clip's timeline. Packets whose decoding time does not move
    /// forward (a repeated timestamp at a segment join) are dropped; returns whether the packet was written.
    @discardableResult
    public func write(_ packet: MediaPacket, dtsMicroseconds dts: Int64, ptsMicroseconds pts: Int64) throws -> Bool {
        guard let output else { throw MediaError(.writeFailed, "clip '\(path)' is already finished") }
        guard dts > lastDTS else { return false }
        lastDTS = dts
        av_packet_unref(scratch.pointer)
        guard av_packet_ref(scratch.pointer, packet.packet.pointer) >= 0 else {
            fatalError("av_packet_ref failed: out of memory")
        }
        scratch.pointer.pointee.dts = dts
        scratch.pointer.pointee.pts = max(pts, dts)
        scratch.pointer.pointee.stream_index = 0
        scratch.pointer.pointee.pos = -1
        scratch.pointer.pointee.duration = 0
        av_packet_rescale_ts(scratch.pointer, ClipWriter.clipTimeBase, output.pointee.streams[0]!.pointee.time_base)
        let status = av_interleaved_write_frame(output, scratch.pointer)
        guard status >= 0 else {
            throw MediaError(.writeFailed, "writing clip '\(path)' failed: \(avErrorText(status))", averror: status)
        }
        written = true
        return true
    }

    /// Writes the MP4 index and closes the file.
    public func finish() throws {
        guard let output else { return }
        defer {
            avio_closep(&output.pointee.pb)
            avformat_free_context(output)
            self.output = nil
        }
        let status = av_write_trailer(output)
        if status < 0 {
            throw MediaError(.writeFailed, "finishing clip '\(path)' failed: \(avErrorText(status))", averror: status)
        }
    }

    deinit {
        if let output {
            avio_closep(&output.pointee.pb)
            avformat_free_context(output)
        }
    }
}

@available(*, unavailable)
extension ClipWriter: Sendable {}

private func MKTAG(_ a: Character, _ b: Character, _ c: Character, _ d: Character) -> UInt32 {
    UInt32(a.asciiValue!) | UInt32(b.asciiValue!) << 8 | UInt32(c.asciiValue!) << 16 | UInt32(d.asciiValue!) << 24
}
