public import Foundation

/// The stream's throughput: judged in windows against the camera's own first windows (stream degraded) and against
/// the rate its stream declares (frame rate shortfall, in `CameraDetector+Conformance`).
extension CameraDetector {
    /// A throughput measurement (about one a second while streaming): bits per second and pictures per second over
    /// `seconds`. Judged in windows of `degradedWindow` seconds, against the camera's own first windows (degraded) and
    /// against the rate its stream declares (frame rate shortfall).
    public mutating func observe(bitrate: Double, frameRate: Double, seconds: Double, at time: Date)
        -> [DetectorTransition]
    {
        window.bits += bitrate * seconds
        window.frames += frameRate * seconds
        window.seconds += seconds
        guard window.seconds >= thresholds.degradedWindow else { return [] }
        let rate = (bitrate: window.bits / window.seconds, frameRate: window.frames / window.seconds)
        window = (0, 0, 0)
        // Degraded first: raised in the same window, it hides the shortfall (one fault, one event).
        let degraded = judgeDegraded(rate, at: time)
        return degraded + judgeFrameRate(delivered: rate.frameRate, declared: declaredFrameRate, at: time)
    }

    /// Stream degradation over one window, against the median of the camera's first windows.
    private mutating func judgeDegraded(_ rate: (bitrate: Double, frameRate: Double), at time: Date) -> [DetectorTransition] {
        guard !open.keys.contains(where: { $0.hides.contains(.streamDegraded) }),
            !thresholds.disabled.contains(.streamDegraded)
        else {
            resetStreak(.streamDegraded)
            return []
        }
        guard let normal = streamBaseline else {
            learningRates.append(rate)
            if learningRates.count >= thresholds.learningKeyframes / 2 {
                streamBaseline = (Self.median(learningRates.map(\.bitrate)), Self.median(learningRates.map(\.frameRate)))
                learningRates = []
            }
            return []
        }
        let degraded =
            rate.frameRate < thresholds.degradedFrameRateRatio * normal.frameRate
            || rate.bitrate < thresholds.degradedBitrateRatio * normal.bitrate
        let evidence = [
            "bitrate": rate.bitrate, "baselineBitrate": normal.bitrate, "frameRate": rate.frameRate,
            "baselineFrameRate": normal.frameRate,
        ]
        return judge(.streamDegraded, faulty: degraded ? evidence : nil, at: time)
    }
}
