internal import CFFmpeg
import Foundation

/// Where a packet went on disk.
public struct SegmentPosition: Sendable, Equatable {
    /// The segment file.
    public var segment: String
    /// Byte offset in the segment at which writing this packet began; cutting there gives a playable stream.
    public var byteOffset: Int64
    /// This packet opened a new segment.
    public var openedSegment: Bool

    public init(segment: String, byteOffset: Int64, openedSegment: Bool) {
        self.segment = segment
        self.byteOffset = byteOffset
        self.openedSegment = openedSegment
    }
}

/// Records one video stream by stream copy (no transcoding) into MPEG-TS segment files cut on keyframes.
///
/// MPEG-TS rather than fragmented MP4: a TS file needs no index or trailer, so a segment cut short by a crash or a
/// full disk still plays up to its last packet, and any 188-byte boundary before a keyframe is a valid cut for
/// clips. Not `Sendable`: a writer lives on its camera's thread.
public final class SegmentWriter {
    private let parameters: UnsafeMutablePointer<AVCodecParameters>
    private let inputTimeBase: AVRational
    private let directory: String
    private let maximumDuration: Double
    private let name: (Int) -> String
    private var output: UnsafeMutablePointer<AVFormatContext>?
    private var segmentStart: Int64 = 0
    private var segmentNumber = 0
    private let scratch = Packet()
    /// The segment being written, if any.
    private var currentSegment: String?

    /// - Parameters:
    ///   - codec: the video stream recorded, as its packet source describes it.
    ///   - directory: where segments go (created if needed).
    ///   - maximumDuration: a new segment starts at the first keyframe after this many seconds.
    ///   - name: the file name of segment n (from 1).
    public init(codec: StreamCodec, directory: String, maximumDuration: Double, name: @escaping (Int) -> String) throws {
        guard let parameters = avcodec_parameters_alloc() else { fatalError("avcodec_parameters_alloc failed: out of memory") }
        self.parameters = parameters
        codec.fill(parameters)
        inputTimeBase = AVRational(num: codec.timeBase.numerator, den: codec.timeBase.denominator)
        self.directory = directory
        self.maximumDuration = maximumDuration
        self.name = name
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MediaError(.writeFailed, "cannot create the segment directory '\(directory)': \(error.localizedDescription)")
        }
    }

    /// Records the video stream of `demuxer`.
    public convenience init(
        recording demuxer: Demuxer, directory: String, maximumDuration: Double, name: @escaping (Int) -> String
    )
        throws
    {
        try self.init(codec: demuxer.videoCodec, directory: directory, maximumDuration: maximumDuration, name: name)
    }

    /// Writes `packet` with sanitised timestamps (in the input's time base; strictly increasing decoding times).
    /// Packets before the first keyframe are dropped (nothing could decode them): the result is nil for those.
    /// When a keyframe's write returns, its bytes are in the file (handed to the operating system).
    public func write(_ packet: MediaPacket, dts: Int64, pts: Int64) throws -> SegmentPosition? {
        let seconds = Double(dts - segmentStart) * Double(inputTimeBase.num) / Double(inputTimeBase.den)
        var opened = false
        if packet.isKeyframe && (output == nil || seconds >= maximumDuration) {
            try finishSegment()
            try openSegment(startingAt: dts)
            opened = true
        }
        guard let output else { return nil }
        av_packet_unref(scratch.pointer)
        guard av_packet_ref(scratch.pointer, packet.packet.pointer) >= 0 else {
            fatalError("av_packet_ref failed: out of memory")
        }
        scratch.pointer.pointee.dts = dts
        scratch.pointer.pointee.pts = pts
        scratch.pointer.pointee.stream_index = 0
        scratch.pointer.pointee.pos = -1
        av_packet_rescale_ts(scratch.pointer, inputTimeBase, output.pointee.streams[0]!.pointee.time_base)
        let offset = avio_tell(output.pointee.pb)
        var status = av_write_frame(output, scratch.pointer)
        // A keyframe's bytes go to the file at once, so the index never points at bytes still in a buffer that a full
        // disk could lose (one extra write a GOP). A failed flush is only recorded in the I/O context: check it.
        if status >= 0 && packet.isKeyframe { avio_flush(output.pointee.pb) }
        if status >= 0 { status = output.pointee.pb.pointee.error }
        guard status >= 0 else {
            throw MediaError(
                .writeFailed, "writing segment '\(currentSegment ?? "")' failed: \(avErrorText(status))", averror: status)
        }
        return SegmentPosition(segment: currentSegment!, byteOffset: offset, openedSegment: opened)
    }

    /// Closes the current segment cleanly (trailer written, file flushed).
    public func finishSegment() throws {
        guard let output else { return }
        let path = currentSegment ?? ""
        var status = av_write_trailer(output)
        // A failed flush of buffered bytes (disk full) is only recorded in the I/O context: check it, or a segment
        // would silently lose its tail.
        avio_flush(output.pointee.pb)
        if status >= 0 { status = output.pointee.pb.pointee.error }
        let closed = avio_closep(&output.pointee.pb)
        if status >= 0 { status = closed }
        avformat_free_context(output)
        self.output = nil
        currentSegment = nil
        if status < 0 {
            throw MediaError(.writeFailed, "closing segment '\(path)' failed: \(avErrorText(status))", averror: status)
        }
    }

    private func openSegment(startingAt dts: Int64) throws {
        segmentNumber += 1
        let path = (directory as NSString).appendingPathComponent(name(segmentNumber))
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        guard avformat_alloc_output_context2(&context, nil, "mpegts", nil) >= 0, let context else {
            throw MediaError(.writeFailed, "cannot create an MPEG-TS muxer")
        }
        guard let stream = avformat_new_stream(context, nil) else { fatalError("avformat_new_stream failed: out of memory") }
        avcodec_parameters_copy(stream.pointee.codecpar, parameters)
        stream.pointee.codecpar.pointee.codec_tag = 0
        stream.pointee.time_base = inputTimeBase
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        // Only this file: the muxer's own I/O obeys the same whitelist discipline as every input.
        av_dict_set(&options, "protocol_whitelist", "file", 0)
        var status = avio_open2(&context.pointee.pb, "file:" + path, AVIO_FLAG_WRITE, nil, &options)
        if status >= 0 { status = avformat_write_header(context, nil) }
        guard status >= 0 else {
            avio_closep(&context.pointee.pb)
            avformat_free_context(context)
            throw MediaError(.writeFailed, "cannot open segment '\(path)': \(avErrorText(status))", averror: status)
        }
        output = context
        currentSegment = path
        segmentStart = dts
    }

    deinit {
        try? finishSegment()
        var parameters: UnsafeMutablePointer<AVCodecParameters>? = self.parameters
        avcodec_parameters_free(&parameters)
    }
}

@available(*, unavailable)
extension SegmentWriter: Sendable {}
