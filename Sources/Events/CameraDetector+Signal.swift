public import MediaIO

/// The rules that judge what the signal carries rather than what the scene shows: an encoder's generated "no video"
/// screen, a damaged bitstream, noise, and bars. Each reads one statistic against one threshold; statistics stored before the kernel
/// measured them are nil, and judge nothing.
extension CameraDetector {
    /// The kinds these statistics cannot judge, because the statistic each reads is missing: stored before the kernel
    /// measured it, or (concealment) left out because the transport lost packets before the keyframe. Their streaks
    /// stay as they were: a keyframe that cannot tell is neither faulty nor clean.
    static func unjudged(_ stats: FrameStats) -> Set<EventKind> {
        var kinds: Set<EventKind> = []
        if stats.uniformFraction == nil || stats.thumbnail.isEmpty { kinds.insert(.signalLoss) }
        if stats.concealed == nil { kinds.insert(.corruption) }
        if stats.noise == nil { kinds.insert(.noise) }
        if stats.stripes == nil { kinds.insert(.stripes) }
        return kinds
    }

    /// Signal loss, corruption, noise and stripes these statistics show, each with its evidence.
    func signalFaults(_ stats: FrameStats) -> [EventKind: [String: Double]] {
        var faults: [EventKind: [String: Double]] = [:]
        // Flat everywhere and one colour: a synthetic picture of several flat areas (test bars) is flat but not one
        // colour, and a camera's black picture is one colour but not flat (sensor noise).
        if let uniform = stats.uniformFraction, uniform >= thresholds.signalLossUniformFraction,
            let oneColour = Self.flatShare(stats.thumbnail), oneColour >= thresholds.signalLossFlatShare
        {
            faults[.signalLoss] = [
                "uniformFraction": uniform, "flatShare": oneColour, "meanLuma": stats.meanLuma, "meanU": stats.meanU,
                "meanV": stats.meanV,
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
