import Foundation

/// The camera's clock against the gateway's, from keyframes whose time on the camera's clock is known: an RTSP camera
/// tells it in its RTCP sender reports (`PacketSource.senderClockAtZero`). A value type fed one keyframe at a time, so a
/// test can replay recorded arrivals.
///
/// The offset is the camera's time of a keyframe less the gateway's time of its arrival, so it includes the encoder's
/// and the network's delay (a millisecond on loopback; well under a second on a working network). The reading is the
/// median of the latest `window` keyframes': one keyframe held up on the way does not move it.
struct SenderClockMeter {
    /// Keyframes the median is taken over.
    static let window = 9
    /// Seconds per timestamp unit of the stream.
    let secondsPerTick: Double
    private var offsets: [Double] = []

    init(secondsPerTick: Double) { self.secondsPerTick = secondsPerTick }

    /// Seconds the camera's clock is ahead of the gateway's (negative: behind); nil until a keyframe's camera time was
    /// known.
    var offset: Double? { offsets.isEmpty ? nil : offsets.sorted()[offsets.count / 2] }

    /// Whether `window` keyframes have been measured. A connection's reading holds from then on: FFmpeg keeps only the
    /// session's first sender report, so later keyframes' camera times are that report plus the camera's RTP clock,
    /// which drifts from its wall clock over days; and a clock the camera corrects mid-session shows only at its next
    /// connection.
    var isSettled: Bool { offsets.count >= Self.window }

    /// A keyframe with timestamp `pts` that arrived at `arrival`, when the camera's wall clock at timestamp 0 is
    /// `senderClockAtZero` (microseconds since 1970; nil while the camera has not told it). Returns `offset` after it.
    @discardableResult
    mutating func keyframe(pts: Int64?, senderClockAtZero: Int64?, arrival: Date) -> Double? {
        guard let pts, let senderClockAtZero else { return offset }
        let cameraTime = Double(senderClockAtZero) / 1e6 + Double(pts) * secondsPerTick
        offsets.append(cameraTime - arrival.timeIntervalSince1970)
        if offsets.count > Self.window { offsets.removeFirst() }
        return offset
    }
}
