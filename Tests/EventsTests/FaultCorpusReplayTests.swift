import Events
import Foundation
import MediaIO
import TestSupport
import Testing

/// The fault corpus of `tools/make-media`, replayed through the file pipeline (every keyframe decoded and measured)
/// into a detector: each clip must give exactly its one event, raised soon after t = 30 s and cleared soon after
/// t = 90 s; the normal clip none. The live version streams the same clips through the RTSP simulator.
@Suite("Fault corpus, replayed")
struct FaultCorpusReplayTests {
    static let start = ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")!

    /// Detector transitions for a clip's keyframes, each at `start` plus its presentation time.
    static func replay(_ path: String) throws -> [DetectorTransition] {
        var detector = CameraDetector(camera: "c", timeZone: TimeZone(identifier: "UTC")!)
        var out: [DetectorTransition] = []
        _ = try KeyframeScanner(source: .file(path: path)).run { keyframe in
            out += detector.observe(keyframe.stats!, at: start.addingTimeInterval(keyframe.packet.seconds ?? 0))
        }
        return out
    }

    @Test("each faulty clip gives exactly its event, raised and cleared on time", arguments: Fixtures.faultClips)
    func faultClip(_ clip: String, _ kind: String) throws {
        // An event open longer than a minute also sends `updated`; the lifecycle is raised … cleared.
        let transitions = try Self.replay(try Fixtures.makeMediaClip(clip)).filter { $0.phase != .updated }
        let summary = transitions.map { "\($0.kind.rawValue) \($0.phase.rawValue) at \($0.at.timeIntervalSince(Self.start))" }
        #expect(transitions.map(\.kind.rawValue) == [kind, kind], "\(clip): \(summary)")
        #expect(transitions.map(\.phase) == [.raised, .cleared], "\(clip): \(summary)")
        guard transitions.count == 2 else { return }
        let raisedAt = transitions[0].at.timeIntervalSince(Self.start)
        let clearedAt = transitions[1].at.timeIntervalSince(Self.start)
        // Keyframes every second; raised within two keyframe intervals plus the hysteresis window (3 keyframes, 8 for
        // a moved camera) of the fault's start (the blur ladder's first, lightest rung included).
        let faultStart = 30.0
        let window = Double(kind == "camera_moved" ? 8 : 3)
        #expect(raisedAt >= faultStart && raisedAt <= faultStart + 2 + window, "\(clip): \(summary)")
        #expect(clearedAt >= 90 && clearedAt <= 90 + 2 + 3, "\(clip): \(summary)")
    }

    @Test("the normal clip gives no event")
    func normalClip() throws {
        let transitions = try Self.replay(try Fixtures.makeMediaClip("normal", seconds: 600))
        #expect(transitions.isEmpty, "\(transitions.map { "\($0.kind.rawValue) \($0.phase.rawValue) \($0.at)" })")
    }
}
