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

    /// A clip's analysed keyframes, each at `start` plus its presentation time.
    static func keyframes(_ path: String) throws -> [(stats: FrameStats, at: Date)] {
        var keyframes: [(stats: FrameStats, at: Date)] = []
        _ = try KeyframeScanner(source: .file(path: path)).run { keyframe in
            keyframes.append((keyframe.stats!, start.addingTimeInterval(keyframe.packet.seconds ?? 0)))
        }
        return keyframes
    }

    /// Detector transitions for keyframes, with the sun at `sunElevation` degrees (nil: the camera's position unknown).
    static func replay(_ keyframes: [(stats: FrameStats, at: Date)], sunElevation: Double?) -> [DetectorTransition] {
        var detector = CameraDetector(camera: "c", timeZone: TimeZone(identifier: "UTC")!)
        return keyframes.flatMap { detector.observe($0.stats, at: $0.at, sunElevation: sunElevation) }
    }

    /// The sun high, well down, or the camera's position unknown.
    static let suns: [Double?] = [45, -30, nil]

    /// Clips and the event each must give: every fault clip its own whatever the sun; the greyscale one IR-cut by day
    /// only.
    static let cases: [(clip: String, kind: String, onlyByDay: Bool)] =
        Fixtures.faultClips.map { ($0.clip, $0.kind, false) } + [("greyscale", "ir_cut", true)]

    @Test("each faulty clip gives exactly its event, raised and cleared on time, by day, by night and anywhere", arguments: cases)
    func faultClip(_ clip: String, _ kind: String, _ onlyByDay: Bool) throws {
        let keyframes = try Self.keyframes(try Fixtures.makeMediaClip(clip))
        for sun in Self.suns {
            // An event open longer than a minute also sends `updated`; the lifecycle is raised … cleared.
            let transitions = Self.replay(keyframes, sunElevation: sun).filter { $0.phase != .updated }
            if onlyByDay && sun != 45 {
                #expect(transitions.isEmpty, "\(clip), sun \(String(describing: sun)): \(transitions.map(\.kind))")
                continue
            }
            Self.check(transitions, clip: clip, kind: kind)
        }
    }

    static func check(_ transitions: [DetectorTransition], clip: String, kind: String) {
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

    @Test("the normal clip gives no event, by day, by night or anywhere")
    func normalClip() throws {
        let keyframes = try Self.keyframes(try Fixtures.makeMediaClip("normal", seconds: 600))
        for sun in Self.suns {
            let transitions = Self.replay(keyframes, sunElevation: sun)
            #expect(transitions.isEmpty, "\(transitions.map { "\($0.kind.rawValue) \($0.phase.rawValue) \($0.at)" })")
        }
    }
}
