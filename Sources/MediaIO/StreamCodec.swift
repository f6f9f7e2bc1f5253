internal import CFFmpeg
import Foundation

/// What a decoder needs to know about a video stream, as a value: it can cross from a camera's demux thread to an
/// analysis thread, where a decoder is made from it (C objects never cross threads).
public struct StreamCodec: Sendable, Equatable {
    /// FFmpeg's codec ID (`AVCodecID`).
    let codecID: UInt32
    /// The codec's out-of-band configuration (SPS/PPS, VPS), as the demuxer found it.
    private(set) var extradata: [UInt8]
    public let width: Int
    public let height: Int
    /// `AVPixelFormat`, or -1 when unknown.
    let pixelFormat: Int32
    /// The time base of the packets' timestamps.
    public let timeBase: Rational
    /// The rest of what a muxer copies when it records the stream: profile and level, field order, colour
    /// description, sample aspect ratio, reorder delay (`AVCodecParameters` fields, kept raw).
    let profile: Int32
    let level: Int32
    let fieldOrder: UInt32
    let colour: [UInt32]
    let sampleAspectRatio: Rational
    let videoDelay: Int32

    init(parameters: UnsafePointer<AVCodecParameters>, timeBase: AVRational) {
        let p = parameters.pointee
        codecID = p.codec_id.rawValue
        extradata =
            p.extradata_size > 0 && p.extradata != nil
            ? Array(UnsafeBufferPointer(start: p.extradata, count: Int(p.extradata_size))) : []
        width = Int(p.width)
        height = Int(p.height)
        pixelFormat = p.format
        self.timeBase = Rational(timeBase.num, timeBase.den)
        profile = p.profile
        level = p.level
        fieldOrder = p.field_order.rawValue
        colour = [
            p.color_range.rawValue, p.color_primaries.rawValue, p.color_trc.rawValue, p.color_space.rawValue,
            p.chroma_location.rawValue,
        ]
        sampleAspectRatio = Rational(p.sample_aspect_ratio.num, p.sample_aspect_ratio.den)
        videoDelay = p.video_delay
    }

    /// A stream described by hand, for sources that know their codec without a demuxer (a payload type negotiated by
    /// SIP, a test's scripted source): H.264 or HEVC in Annex B, with its parameter sets in `extradata` if known.
    public static func annexB(hevc: Bool = false, width: Int, height: Int, timeBase: Rational, extradata: [UInt8] = [])
        -> StreamCodec
    {
        guard let parameters = avcodec_parameters_alloc() else { fatalError("avcodec_parameters_alloc failed: out of memory") }
        var owned: UnsafeMutablePointer<AVCodecParameters>? = parameters
        defer { avcodec_parameters_free(&owned) }
        parameters.pointee.codec_type = AVMEDIA_TYPE_VIDEO
        parameters.pointee.codec_id = hevc ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264
        parameters.pointee.width = Int32(width)
        parameters.pointee.height = Int32(height)
        var codec = StreamCodec(parameters: parameters, timeBase: AVRational(num: timeBase.numerator, den: timeBase.denominator))
        codec.extradata = extradata
        return codec
    }

    /// FFmpeg's name of the codec ("h264", "hevc").
    public var name: String { String(cString: avcodec_get_name(AVCodecID(rawValue: codecID))) }

    /// Fills freshly allocated codec parameters with this description.
    func fill(_ parameters: UnsafeMutablePointer<AVCodecParameters>) {
        parameters.pointee.codec_type = AVMEDIA_TYPE_VIDEO
        parameters.pointee.codec_id = AVCodecID(rawValue: codecID)
        parameters.pointee.width = Int32(width)
        parameters.pointee.height = Int32(height)
        parameters.pointee.format = pixelFormat
        parameters.pointee.profile = profile
        parameters.pointee.level = level
        parameters.pointee.field_order = AVFieldOrder(rawValue: fieldOrder)
        parameters.pointee.color_range = AVColorRange(rawValue: colour[0])
        parameters.pointee.color_primaries = AVColorPrimaries(rawValue: colour[1])
        parameters.pointee.color_trc = AVColorTransferCharacteristic(rawValue: colour[2])
        parameters.pointee.color_space = AVColorSpace(rawValue: colour[3])
        parameters.pointee.chroma_location = AVChromaLocation(rawValue: colour[4])
        parameters.pointee.sample_aspect_ratio = AVRational(num: sampleAspectRatio.numerator, den: sampleAspectRatio.denominator)
        parameters.pointee.video_delay = videoDelay
        if !extradata.isEmpty {
            let size = extradata.count
            let buffer = av_mallocz(size + Int(AV_INPUT_BUFFER_PADDING_SIZE))!.assumingMemoryBound(to: UInt8.self)
            extradata.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: size) }
            parameters.pointee.extradata = buffer
            parameters.pointee.extradata_size = Int32(size)
        }
    }
}

extension Demuxer {
    /// The video stream's codec, as a value that may cross threads.
    public var videoCodec: StreamCodec {
        StreamCodec(parameters: videoStream.pointee.codecpar, timeBase: videoStream.pointee.time_base)
    }
}

extension MediaPacket {
    /// The packet's payload, copied (for handing a keyframe to another thread).
    public var payload: [UInt8] {
        let p = packet.pointer.pointee
        guard let data = p.data, p.size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(p.size)))
    }
}
