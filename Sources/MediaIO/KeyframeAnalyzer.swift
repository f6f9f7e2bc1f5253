internal import CFFmpeg
public import Foundation

/// Decodes keyframes handed over as bytes (from a live camera's demux thread) and computes their statistics.
///
/// Not `Sendable`: made and used on one analysis thread. One thread keeps one analyser per camera, so each camera's
/// decoder keeps its state (and never moves between threads).
public final class KeyframeAnalyzer {
    private let decoder: KeyframeDecoder
    private let packet = Packet()

    /// A decoder for `codec` with one thread (live analysis parallelises across cameras, not within a frame).
    /// - Throws: `MediaError` `.unsupportedCodec` or `.decodeFailed`.
    public init(codec: StreamCodec, source: String) throws {
        guard let parameters = avcodec_parameters_alloc() else { fatalError("avcodec_parameters_alloc failed: out of memory") }
        var owned: UnsafeMutablePointer<AVCodecParameters>? = parameters
        defer { avcodec_parameters_free(&owned) }
        codec.fill(parameters)
        decoder = try KeyframeDecoder(
            parameters: parameters,
            timeBase: AVRational(num: Int32(codec.timeBase.numerator), den: Int32(codec.timeBase.denominator)),
            source: source, threads: 1)
    }

    /// Frames per second the stream's headers declare (SPS/VPS timing), known once a keyframe has been decoded; nil
    /// when the encoder wrote no timing.
    public var declaredFrameRate: Double? { decoder.declaredFrameRate }

    /// Decodes one keyframe and returns its statistics: the decoder is drained after every keyframe (it would
    /// otherwise hold a picture back for reordering) and reset for the next, so the result is this keyframe's.
    /// Damaged data yields nil.
    public func analyze(_ payload: [UInt8]) throws -> FrameStats? {
        try analyze(payload, thumbnailWidth: nil)?.stats
    }

    /// Like `analyze(_:)`, and with `thumbnailWidth` also the keyframe as a small JPEG, encoded from the picture just
    /// decoded (no second decode). The thumbnail is nil if the picture could not be encoded.
    public func analyze(_ payload: [UInt8], thumbnailWidth: Int?) throws -> (stats: FrameStats, thumbnail: Data?)? {
        av_packet_unref(packet.pointer)
        guard av_new_packet(packet.pointer, Int32(payload.count)) >= 0 else { fatalError("av_new_packet failed: out of memory") }
        payload.withUnsafeBufferPointer { packet.pointer.pointee.data.update(from: $0.baseAddress!, count: payload.count) }
        packet.pointer.pointee.flags = AV_PKT_FLAG_KEY
        let results =
            try decoder.decode(packet, thumbnailWidth: thumbnailWidth) + decoder.flush(thumbnailWidth: thumbnailWidth)
        decoder.reset()
        guard let last = results.last else { return nil }
        return (last.stats, last.thumbnail)
    }
}

@available(*, unavailable)
extension KeyframeAnalyzer: Sendable {}
