import Events
import Foundation
import MediaIO
import Testing

/// Issue 17: the signal rules against one threshold each, and keyframes that cannot tell.
@Suite("Signal loss, corruption, noise and stripes")
struct SignalDetectorTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A picture of a scene (a thumbnail of many levels), or with `oneColour` of a single flat colour.
    static func picture(
        concealed: Bool? = false, noise: Double? = 1.5, uniform: Double? = 0.3, stripes: Double? = 1, oneColour: Bool = false
    ) -> FrameStats {
        FrameStats(
            width: 640, height: 360, meanLuma: 110, lumaStdDev: 45, darkFraction: 0.05, brightFraction: 0.02,
            sharpness: 60, edgeDensity: 0.2, perceptualHash: 0x0F0F_F0F0_3C3C_C3C3, meanU: 126, meanV: 130, saturation: 30,
            noise: noise, uniformFraction: uniform, stripes: stripes, concealed: concealed,
            thumbnail: oneColour ? Array(repeating: 40, count: 64) : (0..<64).map { Float($0 * 3) })
    }

    /// The transitions of a detector fed `pictures` a second apart, as "kind phase index". Brightness alternates by a
    /// level everywhere, as a live scene's does, so the same statistics again are not a frozen picture.
    static func run(_ pictures: [FrameStats]) -> [String] {
        var detector = CameraDetector(camera: "c", timeZone: TimeZone(identifier: "UTC")!)
        return pictures.enumerated().flatMap { index, stats in
            var live = stats
            live.meanLuma += Double(index % 2)
            live.thumbnail = live.thumbnail.map { $0 + Float(index % 2) }
            return detector.observe(live, at: start + Double(index)).map {
                "\($0.kind.rawValue) \($0.phase.rawValue) \(index)"
            }
        }
    }

    @Test("a keyframe that cannot tell (concealment left out after a transport loss) neither raises nor clears")
    func unjudgedKeepsTheStreak() {
        let damaged = Self.picture(concealed: true)
        let afterLoss = Self.picture(concealed: nil)
        let clean = Self.picture()
        // Two damaged, one after a loss, one damaged: the streak of three goes on across the loss.
        #expect(Self.run([damaged, damaged, afterLoss, damaged]) == ["corruption raised 3"])
        // Open, then five after losses: still open; three clean: cleared.
        let sequence = [damaged, damaged, damaged] + Array(repeating: afterLoss, count: 5) + [clean, clean, clean]
        #expect(Self.run(sequence) == ["corruption raised 2", "corruption cleared 10"])
    }

    @Test("each rule at its threshold; statistics stored before they were measured judge nothing")
    func thresholds() {
        let limits = DetectorThresholds()
        #expect(Self.run(Array(repeating: Self.picture(noise: limits.noiseLevel), count: 3)) == ["noise raised 2"])
        #expect(Self.run(Array(repeating: Self.picture(noise: limits.noiseLevel - 0.1), count: 3)).isEmpty)
        #expect(Self.run(Array(repeating: Self.picture(stripes: limits.stripeLevel), count: 3)) == ["stripes raised 2"])
        let screen = Self.picture(uniform: limits.signalLossUniformFraction, oneColour: true)
        #expect(Self.run(Array(repeating: screen, count: 3)) == ["signal_loss raised 2"])
        // Flat areas of several colours (test bars) are not a "no video" screen.
        #expect(Self.run(Array(repeating: Self.picture(uniform: 0.99), count: 3)).isEmpty)
        let old = Self.picture(concealed: nil, noise: nil, uniform: nil, stripes: nil)
        #expect(Self.run(Array(repeating: old, count: 5)).isEmpty)
    }
}
