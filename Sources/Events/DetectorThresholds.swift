public import Foundation

/// Thresholds of the detectors, with defaults that suit street cameras; configurable per camera.
public struct DetectorThresholds: Sendable, Codable, Equatable {
    /// Keyframes in a row that must show a fault before it is raised, and that must be clean before it clears.
    public var raiseAfter = 3
    public var clearAfter = 3
    /// Seconds a camera must stay offline (or stalled) before an event: reconnects shorter than this are not faults.
    public var offlineAfter: Double = 30
    /// Patrol visits in a row that must fail to reach a patrolled camera before it is offline.
    public var offlineAfterVisits = 2

    /// Mean luma at or below which a picture is too dark (with most of it near black), by day and by night. IR
    /// cameras at night give dim grey pictures that are normal.
    public var darkLumaDay: Double = 40
    public var darkLumaNight: Double = 22
    /// Share of near-black samples that must come with a dark mean.
    public var darkFraction: Double = 0.5
    /// Mean luma at or above which, with this share of clipped samples, a picture is too bright.
    public var brightLuma: Double = 215
    public var brightFraction: Double = 0.4

    /// Low contrast (fog): luma spread below this share of the baseline's while the picture is neither dark nor
    /// bright, and less than `lowContrastFlatShare` of the 8×8 thumbnail's cells within 4 levels of its median (a
    /// covered lens is one flat area; measured: the fog clip 0.20, the occlusion clip 0.75, the normal scene 0.09).
    public var lowContrastSpreadRatio: Double = 0.5
    public var lowContrastFlatShare: Double = 0.5

    /// Keyframes of clean pictures a camera's baseline (sharpness, edges, spread, scene hash) is learned from.
    public var learningKeyframes = 10
    /// Blur: detail (sharpness relative to contrast) below this share of the baseline's, or sharpness below the
    /// absolute floor.
    public var blurRatio: Double = 0.3
    public var blurFloor: Double = 2
    /// Occlusion: edge density and luma spread both below these shares of the baseline.
    public var occlusionEdgeRatio: Double = 0.25
    public var occlusionSpreadRatio: Double = 0.5
    /// Frozen: perceptual hashes at most this many bits apart, with structure in the picture (a flat picture hashes
    /// to 0 every time and is judged as dark or covered instead).
    public var frozenHashBits = 0
    public var frozenMinimumSpread: Double = 4
    /// … and the 8×8 thumbnail changed by at most this many luma levels on average since the last keyframe.
    public var frozenThumbnailChange: Double = 0.3
    /// Signal loss: at least this share of the sampled pixels in a perfectly flat neighbourhood (measured: an
    /// encoder's blue "no video" screen with an OSD text 0.97, a black one 1.0; the occlusion clip, a flat grey box
    /// over 80 % of the picture, 0.84; the dark clip 0.59; a camera's black picture with its sensor noise 0.33).
    public var signalLossUniformFraction: Double = 0.93
    /// … and at least this share of the 8×8 thumbnail's cells within 4 levels of its median: one colour, which an OSD
    /// text leaves (measured: the blue screen with its text 0.875, the black one 1.0), where the simulator's flat test
    /// bars are not (their uniform fraction alone raised signal loss on every simulated camera).
    public var signalLossFlatShare: Double = 0.75
    /// Noise: the estimated noise (`FrameStats.noise`, luma levels) at or above which a picture is noisy (measured:
    /// the test scene 1.3, a 1080p camera at dusk 6, the snow clip 23).
    public var noiseLevel: Double = 10
    /// Stripes: the bar strength (`FrameStats.stripes`, luma levels) at or above which a picture is striped
    /// (measured: the test scene at most 3, the stripes clip's ±28-level bars 20).
    public var stripeLevel: Double = 8
    /// Colour cast: distance of the chroma means from neutral (128, 128), by day only (night pictures are grey).
    public var colourCastDistance: Double = 24
    /// IR-cut: saturation (mean chroma distance from grey, signalstats' SATAVG) below which a picture is greyscale,
    /// a fault while the sun is at least `irCutDayElevation` degrees up at the camera (a greyscale picture in daylight
    /// means the filter is stuck in night mode; the test scene's muted colours measure 39, a covered lens 8); and above
    /// which a picture darker than `irCutNightLuma` is a fault once the sun is `irCutNightElevation` degrees or more
    /// below the horizon (stuck in day mode: dim colour instead of a bright infrared picture). Cameras without
    /// coordinates are not judged.
    public var irCutGreySaturation: Double = 2
    public var irCutColourSaturation: Double = 10
    public var irCutNightLuma: Double = 50
    public var irCutDayElevation: Double = 5
    public var irCutNightElevation: Double = -6
    /// Camera moved: hash distance from the learned scene at or above which the scene counts as different, and at or
    /// below which it counts as back.
    public var movedHashBits = 22
    public var movedBackHashBits = 14
    /// Keyframes in a row that must show a different scene (a passing bus is one or two).
    public var movedAfter = 8

    /// Stream degradation, judged over windows of `degradedWindow` seconds against the median of the first
    /// `learningWindows`: frame rate below this share of it, or bitrate below this share.
    public var degradedWindow: Double = 10
    public var degradedFrameRateRatio: Double = 0.5
    public var degradedBitrateRatio: Double = 0.25
    /// Long GOP: seconds between keyframes above which a stream does not conform (checked at patrol visits).
    public var longGOPSeconds: Double = 4
    /// Frame rate shortfall: delivered frames per second below this share of the rate the stream declares. 0.6, not
    /// 0.8: it catches a camera sending half its declared rate, and not a simulator on a loaded 2-core machine
    /// (measured sending 15–21 of 25 frames/s).
    public var frameRateShortfallRatio: Double = 0.6
    /// Clock offset: seconds the camera's clock may be ahead of or behind the gateway's. 10 s leaves room for the
    /// encoder's and the network's delay (which the measurement includes, under a second on a working network) and
    /// catches a clock never set or drifting for days; a centre that assesses to the second sets it lower.
    public var clockOffsetSeconds: Double = 10

    /// Detectors turned off for this camera (a camera watching a still scene has no use for `frozen`).
    public var disabled: Set<EventKind> = []

    /// Local hours counted as night (from `nightStarts` to `nightEnds`, wrapping midnight).
    public var nightStarts = 19
    public var nightEnds = 7

    public init() {}

    /// Whether `date` falls in the night profile, in `timeZone` (the camera's local time).
    public func isNight(_ date: Date, timeZone: TimeZone = .current) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let hour = calendar.component(.hour, from: date)
        return nightStarts > nightEnds ? (hour >= nightStarts || hour < nightEnds) : (hour >= nightStarts && hour < nightEnds)
    }
}
