internal import CFFmpeg

/// An owned `AVPacket`. Not `Sendable`: it stays on the demux thread that fills it.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() {
        guard let packet = av_packet_alloc() else { fatalError("av_packet_alloc failed: out of memory") }
        pointer = packet
    }

    /// Drops the payload reference so the buffer can be reused for the next read.
    func unreference() { av_packet_unref(pointer) }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }
}

@available(*, unavailable)
extension Packet: Sendable {}
