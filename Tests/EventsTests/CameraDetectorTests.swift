import Events
import Foundation
import MediaIO
import TestSupport
import Testing

@Suite("Detectors")
struct CameraDetectorTests {
    static let noon = ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")!
    static let utc = TimeZone(identifier: "UTC")!

    /// A normal street picture; `hash` varies a little, as a live scene's does.
    static func normal(_ n: Int) -> FrameStats {
        FrameStats(
            width: 1920, height: 1080, meanLuma: 120 + Double(n % 3), lumaStdDev: 50 + Double(n % 2), darkFraction: 0.02,
            brightFraction: 0.01, sharpness: 400 + Double(n % 5) * 7, edgeDensity: 0.12,
            perceptualHash: 0xF0F0_F0F0_0F0F_0F0F ^ (1 << UInt64(n % 4)),
            meanU: 127, meanV: 129)
    }

    static func detector() -> CameraDetector { CameraDetector(camera: "c", timeZone: utc) }

    /// Feeds keyframes 2 s apart from `start`; returns every transition.
    static func feed(_ detector: inout CameraDetector, _ frames: [FrameStats], from start: Date) -> [DetectorTransition] {
        frames.enumerated().flatMap { detector.observe($1, at: start.addingTimeInterval(Double($0) * 2)) }
    }

    @Test("blur is raised after three blurred keyframes, dated from the first, and cleared after three sharp ones")
    func blurHysteresis() {
        var detector = Self.detector()
        var t = Self.noon
        #expect(Self.feed(&detector, (0..<12).map(Self.normal), from: t).isEmpty)
        t += 24
        var blurred = Self.normal(0)
        blurred.sharpness = 60  // 15 % of the learned ~414
        #expect(Self.feed(&detector, [blurred, blurred], from: t).isEmpty, "two blurred keyframes are not enough")
        let raised = Self.feed(&detector, [blurred], from: t + 4)
        #expect(raised.map(\.kind) == [.blur] && raised.first?.phase == .raised)
        #expect(raised.first?.since == t, "the event starts at the first blurred keyframe")
        #expect(Self.feed(&detector, [Self.normal(1), Self.normal(2)], from: t + 6).isEmpty)
        let cleared = Self.feed(&detector, [Self.normal(3)], from: t + 10)
        #expect(cleared.map(\.phase) == [.cleared] && cleared.first?.kind == .blur)
        // Flapping between the two never raises again.
        #expect(Self.feed(&detector, [blurred, Self.normal(0), blurred, blurred, Self.normal(1), blurred], from: t + 12).isEmpty)
    }

    @Test("a black picture is one event, too dark, not also blur, frozen or occlusion")
    func suppression() {
        var detector = Self.detector()
        _ = Self.feed(&detector, (0..<12).map(Self.normal), from: Self.noon)
        let black = FrameStats(
            width: 1920, height: 1080, meanLuma: 16, lumaStdDev: 0, darkFraction: 1, brightFraction: 0, sharpness: 0,
            edgeDensity: 0, perceptualHash: 0, meanU: 128, meanV: 128)
        let out = Self.feed(&detector, Array(repeating: black, count: 10), from: Self.noon + 100)
        #expect(out.map(\.kind) == [.tooDark])
        #expect(detector.openKinds == [.tooDark])
    }

    @Test("offline becomes an event only after the threshold; pictures are not judged meanwhile; short reconnects are none")
    func offline() {
        var detector = Self.detector()
        let t = Self.noon
        #expect(detector.observe(health: .streaming, reason: nil, at: t).isEmpty)
        #expect(detector.observe(health: .offline, reason: .ended, at: t + 10).isEmpty)
        #expect(detector.observe(health: .streaming, reason: nil, at: t + 12).isEmpty, "a 2 s reconnect is no event")
        #expect(detector.observe(health: .offline, reason: .refused, at: t + 20).isEmpty)
        #expect(detector.tick(now: t + 49).isEmpty)
        let raised = detector.tick(now: t + 50)
        #expect(raised.count == 1 && raised[0].kind == .offline && raised[0].since == t + 20 && raised[0].reason == "refused")
        #expect(detector.tick(now: t + 80).isEmpty, "raised once")
        #expect(detector.observe(health: .offline, reason: .refused, at: t + 60).isEmpty)
        let cleared = detector.observe(health: .streaming, reason: nil, at: t + 90)
        #expect(cleared.map(\.phase) == [.cleared] && cleared[0].kind == .offline)
    }

    @Test("a moved camera needs a sustained new scene; a passing bus is none")
    func cameraMoved() {
        var detector = Self.detector()
        _ = Self.feed(&detector, (0..<12).map(Self.normal), from: Self.noon)
        // Another live scene: every hash bit different from the learned one.
        func other(_ n: Int) -> FrameStats {
            var stats = Self.normal(n)
            stats.perceptualHash = ~stats.perceptualHash
            return stats
        }
        #expect(Self.feed(&detector, [other(0), other(1), Self.normal(1)], from: Self.noon + 30).isEmpty, "a bus passing")
        let out = Self.feed(&detector, (0..<8).map(other), from: Self.noon + 40)
        #expect(out.map(\.kind) == [.cameraMoved])
        #expect(Self.feed(&detector, (0..<3).map(Self.normal), from: Self.noon + 60).map(\.phase) == [.cleared])
    }

    @Test("day and night profiles: a dim picture is a fault at noon, normal at midnight")
    func dayAndNight() {
        let dim = FrameStats(
            width: 1920, height: 1080, meanLuma: 30, lumaStdDev: 20, darkFraction: 0.7, brightFraction: 0, sharpness: 100,
            edgeDensity: 0.05, perceptualHash: 0x1234, meanU: 128, meanV: 128)
        var day = Self.detector()
        #expect(Self.feed(&day, Array(repeating: dim, count: 3), from: Self.noon).map(\.kind).contains(.tooDark))
        var night = Self.detector()
        let midnight = Self.noon + 12 * 3600
        #expect(!Self.feed(&night, Array(repeating: dim, count: 3), from: midnight).map(\.kind).contains(.tooDark))
    }

    @Test("frozen: the same picture while packets flow; a flat grey picture is a covered lens instead")
    func frozen() {
        var detector = Self.detector()
        _ = Self.feed(&detector, (0..<12).map(Self.normal), from: Self.noon)
        let still = Self.normal(5)
        #expect(Self.feed(&detector, Array(repeating: still, count: 4), from: Self.noon + 30).map(\.kind) == [.frozen])
        var covered = Self.detector()
        _ = Self.feed(&covered, (0..<12).map(Self.normal), from: Self.noon)
        let grey = FrameStats(
            width: 1920, height: 1080, meanLuma: 110, lumaStdDev: 3, darkFraction: 0, brightFraction: 0, sharpness: 1,
            edgeDensity: 0.001, perceptualHash: 0, meanU: 128, meanV: 128)
        #expect(Self.feed(&covered, Array(repeating: grey, count: 4), from: Self.noon + 30).map(\.kind) == [.occlusion])
    }

    @Test("real pictures: keyframes of a blurred re-encode (FFmpeg boxblur) raise blur against the sharp clip's baseline")
    func realBlur() throws {
        func stats(_ path: String) throws -> [FrameStats] {
            var all: [FrameStats] = []
            _ = try KeyframeScanner(source: .file(path: path)).run { all.append($0.stats!) }
            return all
        }
        let sharp = try stats(try Fixtures.blurClip(radius: 0))
        let blurred = try stats(try Fixtures.blurClip(radius: 8))
        // The fixture is a still test picture, which is what `frozen` looks for; this camera turns that detector off.
        var thresholds = DetectorThresholds()
        thresholds.disabled = [.frozen]
        var detector = CameraDetector(camera: "c", thresholds: thresholds, timeZone: Self.utc)
        // Each clip has two keyframes (2 s, GOP 25): repeated, as a camera showing the same scene would send them.
        let learned = Self.feed(&detector, Array(repeating: sharp, count: 6).flatMap { $0 }, from: Self.noon)
        #expect(learned.isEmpty, "the sharp clip raises nothing: \(learned)")
        let out = Self.feed(&detector, Array(repeating: blurred, count: 3).flatMap { $0 }, from: Self.noon + 100)
        #expect(out.map(\.kind) == [.blur], "\(out)")
        #expect((out.first?.evidence["baselineSharpness"] ?? 0) > 10 * (out.first?.evidence["sharpness"] ?? 1))
    }

    @Test(
        "stream degradation: frame rate far below the camera's own is raised over 10 s windows; a black picture's low bitrate is not"
    )
    func degradation() {
        var detector = Self.detector()
        var t = Self.noon
        func feed(_ seconds: Int, bitrate: Double, fps: Double) -> [DetectorTransition] {
            (0..<seconds).flatMap { _ in
                t += 1
                return detector.observe(bitrate: bitrate, frameRate: fps, seconds: 1, at: t)
            }
        }
        #expect(feed(60, bitrate: 2e6, fps: 25).isEmpty, "learning")
        #expect(feed(25, bitrate: 1.9e6, fps: 10).isEmpty, "two degraded windows are not enough")
        let raised = feed(10, bitrate: 1.9e6, fps: 10)
        #expect(raised.map(\.kind) == [.streamDegraded] && raised.first?.phase == .raised)
        #expect(raised.first?.evidence["baselineFrameRate"] == 25)
        let cleared = feed(30, bitrate: 2e6, fps: 25)
        #expect(cleared.map(\.phase) == [.cleared])
        // A black picture: too dark is open, and the tiny bitrate it causes is not a second event.
        var black = Self.normal(0)
        black.meanLuma = 16
        black.darkFraction = 1
        #expect(Self.feed(&detector, [black, black, black], from: t).map(\.kind) == [.tooDark])
        #expect(feed(60, bitrate: 5e4, fps: 25).isEmpty)
    }
}
