public import MediaIO

/// The rules that judge what the signal carries rather than what the scene shows: an encoder's generated "no video"
/// screen, a damaged bitstream, noise, and bars. Each reads one statistic against one threshold; statistics stored before the kernel
/// measured them are nil, and judge nothing.
extension CameraDetector {
    /// Signal loss, corruption, noise and stripes these statistics show, each with its evidence.
    func signalFaults(_ stats: FrameStats) -> [EventKind: [String: Double]] {
        var faults: [EventKind: [String: Double]] = [:]
        if let uniform = stats.uniformFraction, uniform >= thresholds.signalLossUniformFraction {
            faults[.signalLoss] = [
                "uniformFraction": uniform, "meanLuma": stats.meanLuma, "meanU": stats.meanU, "meanV": stats.meanV,
            ]
        }
        if stats.concealed == true { faults[.corruption] = ["concealed": 1] }
        if let noise = stats.noise, noise >= thresholds.noiseLevel {
            faults[.noise] = ["noise": noise, "threshold": thresholds.noiseLevel]
        }
        if let stripes = stats.stripes, stripes >= thresholds.stripeLevel {
            faults[.stripes] = ["stripes": stripes, "threshold": thresholds.stripeLevel]
        }
        return faults
    }
}
