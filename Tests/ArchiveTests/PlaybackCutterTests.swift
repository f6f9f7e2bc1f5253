import Foundation
import Testing

@testable import Archive

@Suite("Playback ranges from the keyframe index")
struct PlaybackCutterTests {
    typealias Keyframe = PlaybackCutter.Keyframe
    let t0 = 1_800_000_000.0

    func keyframe(_ wall: Double, _ seconds: Double, _ segment: String, _ offset: Int64) -> Keyframe {
        Keyframe(wallClock: t0 + wall, seconds: seconds, segment: segment, offset: offset)
    }

    @Test("one run over two segments: each GOP to the next keyframe, the last of a segment to its end, the newest left out")
    func oneRun() {
        let keyframes = [
            keyframe(0, 0, "a.ts", 0), keyframe(2, 2, "a.ts", 1000), keyframe(4, 4, "a.ts", 2000),
            keyframe(6, 6, "b.ts", 0), keyframe(8, 8, "b.ts", 900),
        ]
        let ranges = PlaybackCutter.ranges(keyframes, following: nil) { ["a.ts": 3000, "b.ts": 2000][$0] }
        #expect(ranges.map(\.segment) == ["a.ts", "a.ts", "a.ts", "b.ts"])
        #expect(ranges.map(\.offset) == [0, 1000, 2000, 0] && ranges.map(\.length) == [1000, 1000, 1000, 900])
        #expect(ranges.map(\.duration) == [2, 2, 2, 2])
        #expect(!ranges.contains { $0.discontinuity }, "segments of one run follow on")
        let withFollowing = PlaybackCutter.ranges(keyframes, following: keyframe(10, 10, "b.ts", 1800)) { _ in nil }
        #expect(withFollowing.last?.length == 900, "the keyframe after the range ends the last GOP")
    }

    @Test("a restart (timestamps reset) and a gap (the wall clock jumps) are discontinuities; a missing file is skipped")
    func breaks() {
        let keyframes = [
            keyframe(0, 0, "a.ts", 0), keyframe(2, 2, "a.ts", 1000),
            // The service restarted: a new segment whose timeline starts again.
            keyframe(30, 0, "b.ts", 0), keyframe(32, 2, "b.ts", 1000),
            // The camera was away for a minute; the sanitiser kept its timeline going.
            keyframe(94, 4, "b.ts", 2000), keyframe(96, 6, "b.ts", 3000),
            // A segment deleted by retention under the reader.
            keyframe(98, 8, "c.ts", 0), keyframe(100, 10, "d.ts", 0), keyframe(102, 12, "d.ts", 500),
        ]
        let ranges = PlaybackCutter.ranges(keyframes, following: nil) { ["a.ts": 1800, "b.ts": 4000][$0] }
        #expect(ranges.map(\.wallClock.timeIntervalSince1970) == [0, 2, 30, 32, 94, 96, 100].map { t0 + $0 })
        #expect(ranges.map(\.discontinuity) == [false, false, true, false, true, false, true])
        #expect(ranges[1].length == 800 && ranges[1].duration == 2, "before a break: to the file's end, the last GOP's length")
        #expect(ranges[3].duration == 2, "a GOP before a gap lasts what its neighbours last")
    }

    /// Recorded in the demo: camera 1 restarted by its simulator, offline 4.7 s; the sanitiser bridged the reconnect by
    /// the time the wall clock moved, so timestamps and wall clock stepped alike, and the GOP before the gap came out
    /// 5.682 s long with no discontinuity (Chromium showed a frozen picture for the gap).
    @Test("a keyframe that ends a recorded gap starts a discontinuity even when its timestamps seem to follow on")
    func bridgedGap() {
        let keyframes = [
            keyframe(0, 100, "a.ts", 0), keyframe(1, 101, "a.ts", 1000), keyframe(6.682, 106.682, "b.ts", 0),
            keyframe(7.682, 107.682, "b.ts", 1000),
        ]
        let sizes = ["a.ts": 2000, "b.ts": 3000] as [String: Int64]
        let unaware = PlaybackCutter.ranges(keyframes, following: nil) { sizes[$0] }
        #expect(unaware.map(\.discontinuity) == [false, false, false] && unaware[1].duration > 5, "the old cut")
        let ranges = PlaybackCutter.ranges(keyframes, following: nil, gapEnds: [t0 + 6.682]) { sizes[$0] }
        #expect(ranges.map(\.discontinuity) == [false, false, true])
        #expect(ranges.map(\.duration) == [1, 1, 1], "the GOP before the gap lasts what its neighbours last")
    }
}
