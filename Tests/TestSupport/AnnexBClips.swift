extension MediaCorpus {
    /// A 4 s clip at 25 fps, a keyframe every 25 frames, as an Annex B elementary stream with access unit delimiters
    /// (where tools/gb-device/ps-rtp-sender.py splits frames) and no B-frames, as cameras send: an elementary stream
    /// carries no times, and the sender stamps frames in decode order, which is then presentation order.
    public static func annexBClip(hevc: Bool, size: String = "320x240") throws -> String {
        let codec =
            hevc
            ? [
                "-c:v", "libx265", "-x265-params", "keyint=25:min-keyint=25:bframes=0:log-level=error", "-bsf:v",
                "hevc_metadata=aud=insert",
            ]
            : ["-c:v", "libx264", "-g", "25", "-bf", "0", "-bsf:v", "h264_metadata=aud=insert"]
        return try file(
            hevc ? "gb-live-hevc" : "gb-live-h264",
            ["-f", "lavfi", "-i", "testsrc2=size=\(size):rate=25", "-t", "4", "-pix_fmt", "yuv420p"] + codec
                + ["-f", hevc ? "hevc" : "h264"],
            extension: hevc ? "hevc" : "h264")
    }
}
