import Events
import Foundation
import MediaIO
import Testing

/// Issue 17, item 1: IR-cut faults by the sun's height at the camera.
@Suite("IR-cut")
struct IRCutDetectorTests {
    typealias Base = CameraDetectorTests

    static func picture(_ n: Int, saturation: Double, luma: Double? = nil) -> FrameStats {
        var stats = Base.normal(n)
        stats.saturation = saturation
        if let luma { stats.meanLuma = luma }
        return stats
    }

    /// Feeds `frames` 2 s apart with the sun at `sun` degrees.
    static func feed(_ detector: inout CameraDetector, _ frames: [FrameStats], sun: Double?, from start: Date)
        -> [DetectorTransition]
    {
        frames.enumerated().flatMap {
            detector.observe($1, at: start.addingTimeInterval(Double($0) * 2), sunElevation: sun)
        }
    }

    @Test("greyscale in daylight is raised after three keyframes and cleared when colour returns; at night it is normal")
    func greyscaleByDay() {
        let grey = (0..<4).map { Self.picture($0, saturation: 0.4) }
        let colour = (0..<4).map { Self.picture($0, saturation: 30) }
        var day = Base.detector()
        let raised = Self.feed(&day, grey, sun: 40, from: Base.noon)
        #expect(raised.map(\.kind) == [.irCut] && raised.first?.since == Base.noon)
        #expect(raised.first?.evidence["saturation"] == 0.4 && raised.first?.evidence["sunElevation"] == 40)
        let cleared = Self.feed(&day, colour, sun: 40, from: Base.noon + 8)
        #expect(cleared.map(\.phase) == [.cleared])

        var night = Base.detector()
        #expect(Self.feed(&night, grey, sun: -20, from: Base.noon).isEmpty, "infrared at night is greyscale, as it should be")
        var dusk = Base.detector()
        #expect(Self.feed(&dusk, grey, sun: 2, from: Base.noon).isEmpty, "at dusk a camera may switch early")
        var nowhere = Base.detector()
        #expect(Self.feed(&nowhere, grey, sun: nil, from: Base.noon).isEmpty, "no position, no judgement")
    }

    @Test("dim colour at night is raised; bright colour at night, and dim grey, are not")
    func colourAtNight() {
        var stuck = Base.detector()
        let dim = (0..<4).map { Self.picture($0, saturation: 25, luma: 35) }
        #expect(Self.feed(&stuck, dim, sun: -30, from: Base.noon).map(\.kind) == [.irCut])
        var lit = Base.detector()
        #expect(Self.feed(&lit, (0..<4).map { Self.picture($0, saturation: 25, luma: 110) }, sun: -30, from: Base.noon).isEmpty)
        var infrared = Base.detector()
        #expect(
            Self.feed(&infrared, (0..<4).map { Self.picture($0, saturation: 1, luma: 35) }, sun: -30, from: Base.noon).isEmpty)
    }

    @Test("a black picture in daylight is too dark, not an IR-cut fault")
    func blackHidesIRCut() {
        var detector = Base.detector()
        var black = Self.picture(0, saturation: 0, luma: 16)
        black.darkFraction = 1
        black.lumaStdDev = 0
        let transitions = Self.feed(&detector, [black, black, black, black], sun: 50, from: Base.noon)
        #expect(transitions.map(\.kind) == [.tooDark])
    }
}
