/// Image statistics of one decoded keyframe, the input of video-quality diagnosis.
///
/// Luma values are 8-bit code values as decoded (16–235 for limited range, 0–255 for full range); no colour
/// conversion is applied.
public struct FrameStats: Sendable, Codable, Equatable {
    /// Picture width and height in pixels.
    public var width: Int
    public var height: Int
    /// Mean of every luma sample; equals FFmpeg signalstats' YAVG.
    public var meanLuma: Double
    /// Standard deviation of luma, over about 128 evenly spaced rows (low: flat picture, covered lens, fog).
    public var lumaStdDev: Double
    /// Fraction of luma samples at or below `FrameStats.darkLevel` (near black), over about 128 evenly spaced rows.
    public var darkFraction: Double
    /// Fraction of luma samples at or above `FrameStats.brightLevel` (near white, clipped), over about 128 evenly spaced rows.
    public var brightFraction: Double
    /// Variance of the 4-neighbour Laplacian on about 128 evenly spaced rows (higher is sharper; falls as blur grows).
    public var sharpness: Double
    /// Fraction of pixels on about 128 evenly spaced rows whose central-difference gradient |dx|+|dy| is at least
    /// `FrameStats.edgeLevel`.
    public var edgeDensity: Double
    /// 64-bit DCT perceptual hash (pHash) of the picture; compare with `hashDistance`.
    public var perceptualHash: UInt64
    /// Means of the chroma planes; equal FFmpeg signalstats' UAVG and VAVG (128 is neutral).
    public var meanU: Double
    public var meanV: Double
    /// Mean chroma distance from neutral (signalstats' SATAVG): 0 for a greyscale picture; nil where not measured
    /// (statistics stored before it was).
    public var saturation: Double?
    /// Mean luma of each cell of an 8×8 grid, row by row: a thumbnail to tell a frozen picture (the same to a tenth
    /// of a level everywhere) from a live one (motion or light change somewhere). Empty where not computed (statistics
    /// read back from the index).
    public var thumbnail: [Float] = []

    /// Luma at or below which a sample counts as near black.
    public static let darkLevel: UInt8 = 24
    /// Luma at or above which a sample counts as near white.
    public static let brightLevel: UInt8 = 231
    /// Gradient magnitude at or above which a sampled pixel counts as an edge; above typical sensor noise.
    public static let edgeLevel: Int16 = 64

    public init(
        width: Int, height: Int, meanLuma: Double, lumaStdDev: Double, darkFraction: Double, brightFraction: Double,
        sharpness: Double, edgeDensity: Double, perceptualHash: UInt64, meanU: Double, meanV: Double,
        saturation: Double? = nil, thumbnail: [Float] = []
    ) {
        self.thumbnail = thumbnail
        self.width = width
        self.height = height
        self.meanLuma = meanLuma
        self.lumaStdDev = lumaStdDev
        self.darkFraction = darkFraction
        self.brightFraction = brightFraction
        self.sharpness = sharpness
        self.edgeDensity = edgeDensity
        self.perceptualHash = perceptualHash
        self.meanU = meanU
        self.meanV = meanV
        self.saturation = saturation
    }

    /// Mean absolute difference of two thumbnails in luma levels, nil when either has none.
    public static func thumbnailChange(_ a: FrameStats, _ b: FrameStats) -> Double? {
        guard a.thumbnail.count == b.thumbnail.count, !a.thumbnail.isEmpty else { return nil }
        var sum: Float = 0
        for index in a.thumbnail.indices { sum += abs(a.thumbnail[index] - b.thumbnail[index]) }
        return Double(sum) / Double(a.thumbnail.count)
    }

    /// Number of differing bits between two perceptual hashes: 0 for the same picture, about 32 for unrelated ones.
    public static func hashDistance(_ a: UInt64, _ b: UInt64) -> Int { (a ^ b).nonzeroBitCount }
}
