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
    /// Noise in luma levels: the standard deviation of white noise that would explain the picture's response to
    /// Immerkær's mask (a difference of two Laplacians, which cancels edges and smooth texture to first order), over
    /// about 128 evenly spaced rows. About 1 for the test scene, 6 for a 1080p camera at dusk, 20 and more for snow.
    /// Nil where not measured (statistics stored before it was).
    public var noise: Double?
    /// Fraction of the sampled pixels in a perfectly flat neighbourhood (no gradient, no Laplacian): an encoder's own
    /// "no video" screen is nearly all flat (0.97 with an OSD text); a camera's picture, even black or covered, keeps
    /// sensor noise (0.3–0.85). Nil where not measured.
    public var uniformFraction: Double?
    /// Strength of periodic bars across the picture, in luma levels: the spread of the row (or column) mean profile
    /// around its moving average, weighted by how strongly it repeats at one period (at least four periods across
    /// the picture). About 1–3 for a scene, 20 for rolling bars of ±28 levels. Nil where not measured.
    public var stripes: Double?
    /// The decoder found this keyframe's bitstream damaged and concealed the damage (FFmpeg's error concealment: the
    /// smeared, grey or green blocks of 花屏). Nil where not recorded (statistics stored before it was, or computed
    /// from planes rather than decoded).
    public var concealed: Bool?
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
        saturation: Double? = nil, noise: Double? = nil, uniformFraction: Double? = nil, stripes: Double? = nil,
        concealed: Bool? = nil, thumbnail: [Float] = []
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
        self.noise = noise
        self.uniformFraction = uniformFraction
        self.stripes = stripes
        self.concealed = concealed
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
