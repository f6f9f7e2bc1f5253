import Archive
import Events
import Foundation
import MediaIO
import Testing

/// Issue 16: a patrolled camera's detectors count visits, not keyframes.
@Suite("Detectors over patrol visits")
struct PatrolDetectorTests {
    static let interval: TimeInterval = 900

    static func visit(_ n: Int, _ outcome: PatrolVisit.Outcome = .ok, keyframes: [FrameStats]? = nil) -> PatrolVisit {
        PatrolVisit(
            camera: "c", startedAt: CameraDetectorTests.noon + Double(n) * interval, duration: 4, outcome: outcome,
            reason: outcome == .ok ? nil : "refused",
            keyframes: outcome == .ok ? keyframes ?? (0..<3).map { CameraDetectorTests.normal(n * 3 + $0) } : [])
    }

    /// Feeds visits `range` (each 15 minutes after the last), made by `make`; returns every transition.
    static func feed(_ detector: inout CameraDetector, _ range: Range<Int>, _ make: (Int) -> PatrolVisit) -> [DetectorTransition]
    {
        range.flatMap { detector.observe(visit: make($0)) }
    }

    @Test("offline after two visits that did not reach it, dated from the first; the next good visit clears it")
    func offlineByVisits() {
        var detector = CameraDetectorTests.detector()
        #expect(Self.feed(&detector, 0..<12, { Self.visit($0) }).isEmpty)
        #expect(detector.observe(visit: Self.visit(12, .unreachable)).isEmpty, "one failed visit is not offline")
        let raised = detector.observe(visit: Self.visit(13, .noKeyframe))
        #expect(raised.map(\.kind) == [.offline] && raised.first?.phase == .raised)
        #expect(raised.first?.since == Self.visit(12).startedAt && raised.first?.reason == "refused")
        #expect(detector.observe(visit: Self.visit(14, .unreachable)).isEmpty, "raised once")
        let cleared = detector.observe(visit: Self.visit(15))
        #expect(cleared.map(\.phase) == [.cleared] && cleared.first?.kind == .offline)
    }

    @Test("a dark picture is raised at the third dark visit however many keyframes each visit analysed")
    func picturesCountVisits() {
        var detector = CameraDetectorTests.detector()
        _ = Self.feed(&detector, 0..<12, { Self.visit($0) })
        let black = FrameStats(
            width: 1920, height: 1080, meanLuma: 16, lumaStdDev: 0, darkFraction: 1, brightFraction: 0, sharpness: 0,
            edgeDensity: 0, perceptualHash: 0, meanU: 128, meanV: 128)
        let dark: (Int) -> PatrolVisit = { Self.visit($0, keyframes: Array(repeating: black, count: 3)) }
        #expect(Self.feed(&detector, 12..<14, dark).isEmpty, "two dark visits (six dark keyframes) raised it")
        #expect(Self.feed(&detector, 14..<15, dark).map(\.kind) == [.tooDark])
        #expect(Self.feed(&detector, 15..<17, { Self.visit($0) }).isEmpty)
        #expect(Self.feed(&detector, 17..<18, { Self.visit($0) }).map(\.phase) == [.cleared])
    }

    @Test("frozen: the same picture at consecutive visits, a quarter of an hour apart")
    func frozenAcrossVisits() {
        var detector = CameraDetectorTests.detector()
        _ = Self.feed(&detector, 0..<12, { Self.visit($0) })
        let still = CameraDetectorTests.normal(5)
        let frozen = Self.feed(&detector, 12..<16, { Self.visit($0, keyframes: [still]) })
        #expect(frozen.map(\.kind) == [.frozen], "\(frozen)")
    }

    @Test("long GOP: raised at the third visit measuring keyframes over 4 s apart, a lower bound counting only above it")
    func longGOPByVisits() {
        var detector = CameraDetectorTests.detector()
        func stream(_ gop: Double, atLeast: Bool = false) -> (Int) -> PatrolVisit {
            { n in
                var visit = Self.visit(n)
                visit.stream = StreamFacts(codec: "h264", width: 1920, height: 1080, gop: gop, gopAtLeast: atLeast)
                return visit
            }
        }
        #expect(Self.feed(&detector, 0..<4, stream(2)).isEmpty)
        // A visit that ended 3 s after its only keyframe says nothing: the next one may have been a second away.
        #expect(Self.feed(&detector, 4..<10, stream(3, atLeast: true)).isEmpty)
        #expect(Self.feed(&detector, 10..<12, stream(6, atLeast: true)).isEmpty, "raised before the third long visit")
        let raised = Self.feed(&detector, 12..<13, stream(10))
        #expect(raised.map(\.kind) == [.longGOP] && raised.first?.evidence["gop"] == 10, "\(raised)")
        #expect(raised.first?.since == Self.visit(10).startedAt.addingTimeInterval(4))
        #expect(Self.feed(&detector, 13..<15, stream(1)).isEmpty)
        #expect(Self.feed(&detector, 15..<16, stream(1)).map(\.phase) == [.cleared])
        // The unreachable camera's GOP is unknown, and offline hides it.
        #expect(Self.feed(&detector, 16..<19, { Self.visit($0, .unreachable) }).map(\.kind) == [.offline])
    }

    @Test("long GOP of a recorded camera: three keyframe intervals over the limit raise it, three within clear it")
    func longGOPWhileRecording() {
        var detector = CameraDetectorTests.detector()
        let start = CameraDetectorTests.noon
        var out: [DetectorTransition] = []
        for n in 0..<5 { out += detector.observe(keyframeInterval: 2, at: start + Double(n) * 2) }
        #expect(out.isEmpty)
        for n in 0..<2 { out += detector.observe(keyframeInterval: 10, at: start + 20 + Double(n) * 10) }
        #expect(out.isEmpty, "raised before the third long interval")
        let raised = detector.observe(keyframeInterval: 10, at: start + 40)
        #expect(raised.map(\.kind) == [.longGOP] && raised.first?.since == start + 20)
        out = []
        for n in 0..<3 { out += detector.observe(keyframeInterval: 2, at: start + 42 + Double(n) * 2) }
        #expect(out.map(\.phase) == [.cleared])
        // Offline: no stream, no GOP judged.
        _ = detector.observe(health: .offline, reason: .refused, at: start + 60)
        _ = detector.tick(now: start + 200)
        #expect(detector.observe(keyframeInterval: 30, at: start + 201).isEmpty)
    }

    @Test(
        "frame rate shortfall: raised at the third visit delivering under 0.6 of the declared rate, cleared at the third within it; no declared rate, or a clock's tick, is not judged"
    )
    func frameRateShortfallByVisits() {
        var detector = CameraDetectorTests.detector()
        func stream(_ delivered: Double, declared: Double?) -> (Int) -> PatrolVisit {
            { n in
                var visit = Self.visit(n)
                visit.stream = StreamFacts(
                    codec: "h264", width: 1920, height: 1080, frameRate: delivered, declaredFrameRate: declared, gop: 2)
                return visit
            }
        }
        #expect(Self.feed(&detector, 0..<4, stream(16, declared: 25)).isEmpty, "64 % of the declared rate conforms")
        #expect(Self.feed(&detector, 4..<8, stream(12.5, declared: nil)).isEmpty)
        #expect(Self.feed(&detector, 8..<12, stream(12.5, declared: 90_000)).isEmpty, "a 90 kHz tick is no frame rate")
        #expect(Self.feed(&detector, 12..<14, stream(12.5, declared: 25)).isEmpty, "raised before the third short visit")
        let raised = Self.feed(&detector, 14..<15, stream(12.5, declared: 25))
        #expect(raised.map(\.kind) == [.frameRateShortfall], "\(raised)")
        #expect(raised.first?.evidence["frameRate"] == 12.5 && raised.first?.evidence["declaredFrameRate"] == 25)
        #expect(raised.first?.since == Self.visit(12).startedAt.addingTimeInterval(4))
        #expect(Self.feed(&detector, 15..<17, stream(25, declared: 25)).isEmpty)
        #expect(Self.feed(&detector, 17..<18, stream(25, declared: 25)).map(\.phase) == [.cleared])
    }

    @Test(
        "clock offset: raised at the third visit over 10 s off either way, cleared at the third within; a visit without a sender report says nothing"
    )
    func clockOffsetByVisits() {
        var detector = CameraDetectorTests.detector()
        func stream(_ offset: Double?) -> (Int) -> PatrolVisit {
            { n in
                var visit = Self.visit(n)
                visit.stream = StreamFacts(codec: "h264", width: 1920, height: 1080, gop: 2, clockOffset: offset)
                return visit
            }
        }
        #expect(Self.feed(&detector, 0..<4, stream(-9.5)).isEmpty, "within 10 s")
        #expect(Self.feed(&detector, 4..<6, stream(-90)).isEmpty, "raised before the third visit off")
        // Visits that saw no sender report neither count nor break the run.
        #expect(Self.feed(&detector, 6..<9, stream(nil)).isEmpty)
        let raised = Self.feed(&detector, 9..<10, stream(-90))
        #expect(raised.map(\.kind) == [.clockOffset] && raised.first?.evidence["offset"] == -90, "\(raised)")
        #expect(raised.first?.since == Self.visit(4).startedAt.addingTimeInterval(4))
        #expect(Self.feed(&detector, 10..<12, stream(0.2)).isEmpty)
        #expect(Self.feed(&detector, 12..<13, stream(0.2)).map(\.phase) == [.cleared])
        // A recorded camera's keyframes count the same way; offline hides it.
        var recorded = CameraDetectorTests.detector()
        let start = CameraDetectorTests.noon
        let out = (0..<3).flatMap { recorded.observe(clockOffset: 30, at: start + Double($0) * 2) }
        #expect(out.map(\.kind) == [.clockOffset] && out.first?.since == start, "\(out)")
        _ = recorded.observe(health: .offline, reason: .refused, at: start + 10)
        let whileOffline = recorded.tick(now: start + 200)
        #expect(whileOffline.map(\.kind) == [.offline], "\(whileOffline)")
    }

    @Test("frame rate shortfall of a recorded camera: each throughput window against the rate its keyframes declare")
    func frameRateShortfallWhileRecording() {
        var detector = CameraDetectorTests.detector()
        let start = CameraDetectorTests.noon
        func feed(_ seconds: Range<Int>, frameRate: Double) -> [DetectorTransition] {
            seconds.flatMap { detector.observe(bitrate: 1e6, frameRate: frameRate, seconds: 1, at: start + Double($0)) }
        }
        // Half of 25 from the start: its own baseline, so not degraded, and nothing declared to fall short of yet.
        #expect(feed(0..<60, frameRate: 12.5).isEmpty)
        detector.declaredFrameRate = 25
        // Windows of 10 s end at 69, 79 and 89 s: raised at the third, dated from the first.
        #expect(feed(60..<89, frameRate: 12.5).isEmpty)
        let raised = feed(89..<90, frameRate: 12.5)
        #expect(raised.map(\.kind) == [.frameRateShortfall] && raised.first?.since == start + 69, "\(raised)")
        #expect(raised.first?.evidence["declaredFrameRate"] == 25)
        #expect(feed(90..<119, frameRate: 25).isEmpty)
        #expect(feed(119..<120, frameRate: 25).map(\.phase) == [.cleared], "at the third window within it, at 119 s")
        // Raised again; then the stream stops declaring a rate (or the connection is lost): nothing to fall short of.
        #expect(feed(120..<150, frameRate: 12.5).map(\.phase) == [.raised])
        detector.declaredFrameRate = nil
        #expect(feed(150..<180, frameRate: 12.5).map(\.phase) == [.cleared])
        detector.declaredFrameRate = 25
        _ = detector.observe(health: .offline, reason: .refused, at: start + 181)
        #expect(detector.declaredFrameRate == nil, "a lost connection forgets the declared rate")

        // A camera that sends its declared 25 and drops to 5: a degraded stream, one event, not two.
        var dropping = CameraDetectorTests.detector()
        dropping.declaredFrameRate = 25
        var raisedKinds: [EventKind] = []
        for second in 0..<200 {
            let frameRate: Double = second < 60 ? 25 : 5
            let out = dropping.observe(bitrate: 1e6, frameRate: frameRate, seconds: 1, at: start + Double(second))
            raisedKinds += out.filter { $0.phase == .raised }.map(\.kind)
        }
        #expect(raisedKinds == [.streamDegraded], "\(raisedKinds)")
    }
}
