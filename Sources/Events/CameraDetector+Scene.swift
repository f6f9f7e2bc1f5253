public import MediaIO

/// The rules that judge a picture against its scene rather than against one threshold: low contrast (fog) against the
/// camera's baseline and the thumbnail's flat share, occlusion and a moved camera against the baseline and the
/// operator's reference picture, IR-cut against the sun's height at the camera.
extension CameraDetector {
    /// Low contrast: the spread collapsed against the baseline, in a picture neither dark nor bright, that is not one
    /// flat area for the most part (a cover); nil otherwise, or without a thumbnail to tell.
    func lowContrast(_ stats: FrameStats, baseline: Baseline) -> [String: Double]? {
        guard stats.lumaStdDev < thresholds.lowContrastSpreadRatio * baseline.spread,
            stats.meanLuma > thresholds.darkLumaDay, stats.meanLuma < thresholds.brightLuma,
            let flat = Self.flatShare(stats.thumbnail), flat < thresholds.lowContrastFlatShare
        else { return nil }
        return ["lumaStdDev": stats.lumaStdDev, "baselineLumaStdDev": baseline.spread, "flatShare": flat]
    }

    /// The share of a thumbnail's cells within 4 luma levels of its median cell; nil without a thumbnail.
    static func flatShare(_ thumbnail: [Float]) -> Double? {
        guard !thumbnail.isEmpty else { return nil }
        let median = thumbnail.sorted()[thumbnail.count / 2]
        return Double(thumbnail.filter { abs($0 - median) <= 4 }.count) / Double(thumbnail.count)
    }

    /// Occlusion: edges and spread both collapsed against the learned baseline, or against the reference picture.
    func occlusion(_ stats: FrameStats) -> [String: Double]? {
        func covered(edges: Double, spread: Double) -> Bool {
            stats.edgeDensity < thresholds.occlusionEdgeRatio * edges
                && stats.lumaStdDev < thresholds.occlusionSpreadRatio * spread
        }
        var evidence: [String: Double] = [:]
        if let baseline, covered(edges: baseline.edgeDensity, spread: baseline.spread) {
            evidence["baselineEdgeDensity"] = baseline.edgeDensity
            evidence["baselineLumaStdDev"] = baseline.spread
        }
        if let reference, covered(edges: reference.stats.edgeDensity, spread: reference.stats.lumaStdDev) {
            evidence["referenceEdgeDensity"] = reference.stats.edgeDensity
            evidence["referenceLumaStdDev"] = reference.stats.lumaStdDev
        }
        guard !evidence.isEmpty else { return nil }
        evidence["edgeDensity"] = stats.edgeDensity
        evidence["lumaStdDev"] = stats.lumaStdDev
        return evidence
    }

    /// Camera moved: the picture's hash far from every hash of the learned scene, or of the reference scene (the
    /// larger distance counts); once it is, back only within `movedBackHashBits` of both.
    func moved(_ stats: FrameStats) -> [String: Double]? {
        let learned = baseline?.distance(stats.perceptualHash)
        let referenced = reference?.distance(stats.perceptualHash)
        guard let distance = [learned, referenced].compactMap({ $0 }).max() else { return nil }
        let wasMoved = open[.cameraMoved] != nil || (streaks[.cameraMoved]?.faulty ?? 0) > 0
        guard distance >= thresholds.movedHashBits || (wasMoved && distance > thresholds.movedBackHashBits) else {
            return nil
        }
        var evidence = ["hashDistance": Double(distance)]
        if let referenced { evidence["referenceHashDistance"] = Double(referenced) }
        return evidence
    }

    /// IR-cut: greyscale while the sun is up, or dim colour while it is well down; nil when the picture fits the sun.
    func irCut(_ stats: FrameStats, sunElevation: Double) -> [String: Double]? {
        guard let saturation = stats.saturation else { return nil }
        let evidence = ["saturation": saturation, "sunElevation": sunElevation, "meanLuma": stats.meanLuma]
        if sunElevation >= thresholds.irCutDayElevation && saturation < thresholds.irCutGreySaturation { return evidence }
        if sunElevation <= thresholds.irCutNightElevation && saturation > thresholds.irCutColourSaturation
            && stats.meanLuma < thresholds.irCutNightLuma
        {
            return evidence
        }
        return nil
    }
}
