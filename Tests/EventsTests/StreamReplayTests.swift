import Archive
import Foundation
import MediaIO
import Testing

@testable import Events

/// Issue 17, item 3: a recorded camera's stream conformance kinds replayed from its stored stream readings.
@Suite("Replay of stream readings")
struct StreamReplayTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A camera recorded for 170 s, its connection lost from 80 s to 85 s: keyframes 2 s apart until 60 s, then 1 s;
    /// 25 frames/s against a declared 50 until 40 s; its bitrate a twentieth from 100 s to 140 s; its clock 90 s
    /// ahead on its first connection, right on its second.
    static func history() -> (health: [HealthRecord], keyframes: [RecordedKeyframe], stream: StreamHistory) {
        let connected = { (seconds: Double) in (seconds < 80 || seconds >= 85) }
        let health = [
            HealthRecord(camera: "c", at: t0, state: "streaming"),
            HealthRecord(camera: "c", at: t0 + 80, state: "stalled", reason: "timeout"),
            HealthRecord(camera: "c", at: t0 + 85, state: "streaming"),
        ]
        var stream = StreamHistory()
        stream.keyframeTimes = (Array(stride(from: 0.5, to: 60, by: 2)) + Array(stride(from: 60.5, to: 170, by: 1))).filter(
            connected
        )
        .map { t0 + $0 }
        // One picture throughout: the picture faults are not judged here (`thresholds`).
        let stats = FrameStats(
            width: 640, height: 360, meanLuma: 100, lumaStdDev: 40, darkFraction: 0, brightFraction: 0, sharpness: 300,
            edgeDensity: 0.1, perceptualHash: 0x0123_4567_89AB_CDEF, meanU: 128, meanV: 128)
        let keyframes = stream.keyframeTimes.map {
            RecordedKeyframe(camera: "c", wallClock: $0, seconds: 0, segment: "/s.ts", byteOffset: 0, size: 1, stats: stats)
        }
        // Each keyframe's analysis ends 0.3 s after it.
        stream.declaredFrameRates = stream.keyframeTimes.map {
            DeclaredFrameRate(rate: $0 < t0 + 40 ? 50 : 25, at: $0 + 0.3)
        }
        stream.throughput = (1...170).map(Double.init).filter(connected).map { end in
            ThroughputReading(at: t0 + end, bytes: (100...140).contains(end) ? 5_000 : 100_000, frames: 25, seconds: 1)
        }
        stream.clockReadings =
            [3, 4, 5].map { ClockReading(camera: "c", at: t0 + $0, offset: 90) }
            + [87, 88, 89].map { ClockReading(camera: "c", at: t0 + $0, offset: 0.2) }
        return (health, keyframes, stream)
    }

    /// A long-GOP limit of 1.5 s; the picture faults off (a still picture is frozen, which hides a low bitrate).
    static var thresholds: DetectorThresholds {
        var thresholds = DetectorThresholds()
        thresholds.longGOPSeconds = 1.5
        thresholds.disabled = Set(EventKind.allCases.filter(\.isPictureFault))
        return thresholds
    }

    @Test("long GOP, frame rate shortfall, stream degraded and clock offset: each raised and cleared where its readings say")
    func conformanceKinds() throws {
        let (health, keyframes, stream) = Self.history()
        let events = DetectorReplay.run(
            camera: "c", thresholds: Self.thresholds, timeZone: .gmt, location: nil, health: health, keyframes: keyframes,
            visits: [], stream: stream, until: Self.t0 + 170)
        func times(_ kind: EventKind) -> [String] {
            events.filter { $0.kind == kind }.map {
                "\($0.raisedAt.timeIntervalSince(Self.t0)) → \($0.clearedAt.map { "\($0.timeIntervalSince(Self.t0))" } ?? "open")"
            }
        }
        // Three long intervals in a row (ending 2.5, 4.5, 6.5 s), three short ones (61.5, 62.5, 63.5 s) clear it.
        #expect(times(.longGOP) == ["6.5 → 63.5"])
        // Windows of 10 s: three at half the declared rate (10, 20, 30 s); three after the declared rate became 25
        // (50, 60, 70 s).
        #expect(times(.frameRateShortfall) == ["30.0 → 70.0"])
        // The baseline is learnt from five windows (to 50 s). The first connection's last nine readings and the
        // second's first make the window ending at 85 s, then 95, 105 …: the windows ending 115, 125 and 135 s are
        // all low; those ending 105 and 145 s only half, which is above a quarter of the baseline.
        #expect(times(.streamDegraded) == ["135.0 → 165.0"])
        #expect(times(.clockOffset) == ["5.0 → 89.0"])
        #expect(
            Set(events.map(\.kind)).subtracting([.longGOP, .frameRateShortfall, .streamDegraded, .clockOffset]).isEmpty,
            "\(events.map(\.kind))")
        // The 5 s across the reconnection is no GOP: one interval fewer than the keyframes' pairs.
        let intervals = DetectorReplay.keyframeIntervals(stream.keyframeTimes, health: health)
        #expect(intervals.count == stream.keyframeTimes.count - 2)
    }

    @Test("an archive without stream readings replays none of those kinds, nor judges the declared rate")
    func withoutReadings() {
        let (health, keyframes, _) = Self.history()
        let events = DetectorReplay.run(
            camera: "c", thresholds: Self.thresholds, timeZone: .gmt, location: nil, health: health, keyframes: keyframes,
            visits: [], until: Self.t0 + 170)
        #expect(events.filter { DetectorReplay.judgedFromStreamReadings.contains($0.kind) }.isEmpty)
    }
}
