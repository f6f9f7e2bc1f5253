public import MediaIO

/// The rules that judge what the signal carries rather than what the scene shows: an encoder's generated "no video"
/// screen, a damaged bitstream, noise, and bars. Each reads one statistic against one threshold.
extension CameraDetector {
    /// What the signal rules make of these statistics: the faults they show, each with its evidence, and the kinds
    /// they cannot judge because the statistic each reads is missing (stored before the kernel measured it, or, for
    /// concealment, left out because the transport lost packets before the keyframe). A kind that cannot be judged
    /// keeps its streak as it was: such a keyframe is neither faulty nor clean.
    func signalJudgement(_ stats: FrameStats) -> (faults: [EventKind: [String: Double]], unjudged: Set<EventKind>) {
        var faults: [EventKind: [String: Double]] = [:]
        var unjudged: Set<EventKind> = []
        // Flat everywhere and one colour: a synthetic picture of several flat areas (test bars) is flat but not one
        // colour, and a camera's black picture is one colour but not flat (sensor noise).
        if let uniform = stats.uniformFraction, let oneColour = Self.flatShare(stats.thumbnail) {
            if uniform >= thresholds.signalLossUniformFraction && oneColour >= thresholds.signalLossFlatShare {
                faults[.signalLoss] = [
                    "uniformFraction": uniform, "flatShare": oneColour, "meanLuma": stats.meanLuma, "meanU": stats.meanU,
                    "meanV": stats.meanV,
                ]
            }
        } else {
            unjudged.insert(.signalLoss)
        }
        switch stats.concealed {
        case true?: faults[.corruption] = ["concealed": 1]
        case false?: break
        case nil: unjudged.insert(.corruption)
        }
        if let noise = stats.noise {
            if noise >= thresholds.noiseLevel { faults[.noise] = ["noise": noise, "threshold": thresholds.noiseLevel] }
        } else {
            unjudged.insert(.noise)
        }
        if let stripes = stats.stripes {
            if stripes >= thresholds.stripeLevel { faults[.stripes] = ["stripes": stripes, "threshold": thresholds.stripeLevel] }
        } else {
            unjudged.insert(.stripes)
        }
        return (faults, unjudged)
    }
}
