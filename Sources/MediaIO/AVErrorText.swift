internal import CFFmpeg

/// FFmpeg's own text for an AVERROR code ("Connection refused", "Invalid data found when processing input").
func avErrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    return buffer.withUnsafeMutableBufferPointer { bytes in
        String(cString: CFFmpeg_av_err2str(code, bytes.baseAddress, bytes.count))
    }
}
