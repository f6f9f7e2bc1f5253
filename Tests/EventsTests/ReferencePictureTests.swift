import Events
import Foundation
import MediaIO
import TestSupport
import Testing

/// Issue 17, item 1: the reference picture. Replayed over the fault corpus's decoded keyframes, from t = 30 s on: the
/// camera starts with its fault, so the scene the detector learns by itself is the faulty one.
@Suite("Reference pictures")
struct ReferencePictureTests {
    static let start = FaultCorpusReplayTests.start

    /// A clip's keyframes from t = 30 s on, and a reference made from the keyframe at t = 15 s with the clip's first
    /// 30 s as its scene (what `ReferencePicture.make` takes from a recording).
    static func startingWithFault(_ clip: String) throws -> (
        keyframes: [(stats: FrameStats, at: Date)], reference: ReferencePicture
    ) {
        let all = try FaultCorpusReplayTests.keyframes(try Fixtures.makeMediaClip(clip))
        let before = all.filter { $0.at < start + 30 }
        let chosen = try #require(before.first { $0.at >= start + 15 })
        let reference = ReferencePicture(
            camera: "c", keyframeAt: chosen.at, stats: chosen.stats, sceneHashes: before.map(\.stats.perceptualHash),
            setBy: "test", setAt: start)
        return (all.filter { $0.at >= start + 30 }, reference)
    }

    static func replay(_ keyframes: [(stats: FrameStats, at: Date)], reference: ReferencePicture?) -> [DetectorTransition] {
        var detector = CameraDetector(camera: "c", timeZone: TimeZone(identifier: "UTC")!)
        detector.reference = reference
        return keyframes.flatMap { detector.observe($0.stats, at: $0.at) }.filter { $0.phase != .updated }
    }

    static func summary(_ transitions: [DetectorTransition]) -> String {
        transitions.map { "\($0.kind.rawValue) \($0.phase.rawValue) at \($0.at.timeIntervalSince(start))" }
            .joined(separator: ", ")
    }

    @Test(
        "a camera that starts with its fault: unseen without a reference; with one, raised at once and cleared when it ends",
        arguments: [("moved", EventKind.cameraMoved), ("occlusion", .occlusion)])
    func faultFromTheStart(_ clip: String, _ kind: EventKind) throws {
        let (keyframes, reference) = try Self.startingWithFault(clip)
        // Without a reference the detector learns the faulty picture as the camera's scene: nothing while it lasts.
        let unseen = Self.replay(keyframes, reference: nil).filter { $0.at < Self.start + 90 }
        #expect(unseen.isEmpty, "\(clip) without a reference: \(Self.summary(unseen))")

        let seen = Self.replay(keyframes, reference: reference)
        #expect(seen.map(\.kind) == [kind, kind] && seen.map(\.phase) == [.raised, .cleared], "\(clip): \(Self.summary(seen))")
        guard seen.count == 2 else { return }
        let window = Double(kind == .cameraMoved ? 8 : 3)
        let raised = seen[0].at.timeIntervalSince(Self.start)
        let cleared = seen[1].at.timeIntervalSince(Self.start)
        #expect(raised >= 30 && raised <= 30 + 2 + window, "\(clip): \(Self.summary(seen))")
        #expect(cleared >= 90 && cleared <= 90 + 2 + 3, "\(clip): \(Self.summary(seen))")
        #expect(seen[0].evidence.keys.contains { $0.hasPrefix("reference") }, "\(seen[0].evidence)")
    }

    @Test("a reference set after the detector learned the wrong view: moved from then on, cleared when the view is right")
    func referenceAfterAWrongBaseline() throws {
        let (keyframes, reference) = try Self.startingWithFault("moved")
        var detector = CameraDetector(camera: "c", timeZone: TimeZone(identifier: "UTC")!)
        var transitions: [DetectorTransition] = []
        for keyframe in keyframes {
            // By t = 50 s the detector has learned the turned-away view (10 keyframes from t = 30 s).
            if keyframe.at >= Self.start + 50 && detector.reference == nil { detector.reference = reference }
            transitions += detector.observe(keyframe.stats, at: keyframe.at).filter { $0.phase != .updated }
        }
        #expect(transitions.map(\.kind) == [.cameraMoved, .cameraMoved], "\(Self.summary(transitions))")
        #expect(transitions.map(\.phase) == [.raised, .cleared], "\(Self.summary(transitions))")
        guard transitions.count == 2 else { return }
        let raised = transitions[0].at.timeIntervalSince(Self.start)
        let cleared = transitions[1].at.timeIntervalSince(Self.start)
        #expect(raised >= 50 && raised <= 50 + 8 + 1, "\(Self.summary(transitions))")
        #expect(cleared >= 90 && cleared <= 90 + 2 + 3, "\(Self.summary(transitions))")
    }

    @Test("a reference from the normal clip raises nothing over its 10 minutes")
    func normalClipWithReference() throws {
        let all = try FaultCorpusReplayTests.keyframes(try Fixtures.makeMediaClip("normal", seconds: 600))
        let scene = all.filter { $0.at < Self.start + 30 }
        let chosen = try #require(scene.first { $0.at >= Self.start + 15 })
        let reference = ReferencePicture(
            camera: "c", keyframeAt: chosen.at, stats: chosen.stats, sceneHashes: scene.map(\.stats.perceptualHash),
            setBy: "test", setAt: Self.start)
        let transitions = Self.replay(all, reference: reference)
        #expect(transitions.isEmpty, "\(Self.summary(transitions))")
    }

    @Test("the store keeps one reference per camera, replaced whole, and clears it")
    func storeRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-ref-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try EventStore(path: directory + "/events.sqlite", sinks: [])
        let stats = FrameStats(
            width: 640, height: 360, meanLuma: 100, lumaStdDev: 40, darkFraction: 0, brightFraction: 0, sharpness: 30,
            edgeDensity: 0.2, perceptualHash: 0xFEDC_BA98_7654_3210, meanU: 120, meanV: 130, saturation: 12, noise: 1.5,
            uniformFraction: 0.1, stripes: 2, thumbnail: (0..<64).map(Float.init))
        let first = ReferencePicture(
            camera: "a", keyframeAt: Self.start, stats: stats, sceneHashes: [0xFEDC_BA98_7654_3210, 1], setBy: "x",
            setAt: Self.start + 60)
        try store.setReference(first)
        #expect(try store.reference(camera: "a") == first)
        var second = first
        second.sceneHashes = [7]
        second.setBy = "y"
        try store.setReference(second)
        #expect(try store.references() == ["a": second])
        #expect(try store.clearReference(camera: "a"))
        #expect(try !store.clearReference(camera: "a"))
        #expect(try store.reference(camera: "a") == nil)
    }
}
