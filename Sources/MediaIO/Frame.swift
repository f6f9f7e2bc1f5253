internal import CFFmpeg

/// An owned `AVFrame`. Not `Sendable`: it stays on the decoding thread.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() {
        guard let frame = av_frame_alloc() else { fatalError("av_frame_alloc failed: out of memory") }
        pointer = frame
    }

    func unreference() { av_frame_unref(pointer) }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }
}

@available(*, unavailable)
extension Frame: Sendable {}
