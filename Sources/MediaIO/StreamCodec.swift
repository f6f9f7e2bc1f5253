internal import CFFmpeg
import Foundation

/// What a decoder needs to know about a video stream, as a value: it can cross from a camera's demux thread to an
/// analysis thread, where a decoder is made from it (C objects never cross threads).
public struct StreamCodec: Sendable, Equatable {
    /// FFmpeg's codec ID (`AVCodecID`).
    let codecID: UInt32
    /// The codec's out-of-band configuration (SPS/PPS, VPS), as the demuxer found it.
    let extradata: [UInt8]
    public let width: Int
    public let height: Int
    /// `AVPixelFormat`, or -1 when unknown.
    let pixelFormat: Int32
    /// The time base of the packets' timestamps.
    public let timeBase: Rational

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
    }

    /// Fills freshly allocated codec parameters with this description.
    func fill(_ parameters: UnsafeMutablePointer<AVCodecParameters>) {
        parameters.pointee.codec_type = AVMEDIA_TYPE_VIDEO
        parameters.pointee.codec_id = AVCodecID(rawValue: codecID)
        parameters.pointee.width = Int32(width)
        parameters.pointee.height = Int32(height)
        parameters.pointee.format = pixelFormat
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
