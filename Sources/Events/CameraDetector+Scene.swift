public import MediaIO

/// The rules that judge a picture against its scene rather than against one threshold: low contrast (fog) against the
/// camera's baseline and the thumbnail's flat share, IR-cut against the sun's height at the camera.
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
