import Foundation
import TestSupport
import Testing

@testable import Archive

/// Playlists read each segment's keyframes packed in one row (`SegmentKeyframes`), kept beside the keyframe rows: the
/// packed rows must say what the rows say, after any writes and removals, for any range.
@Suite("Keyframes packed per segment")
struct SegmentKeyframesTests {
    static let t0 = 1_800_000_000.0

    /// The rows' answer, the oracle: a camera's keyframe rows in time order, those in `from…to` (at most `limit`)
    /// and the first one after them.
    static func fromRows(
        _ index: RecordingIndex, from: Double, to: Double, limit: Int
    ) throws -> (keyframes: [PlaybackCutter.Keyframe], following: PlaybackCutter.Keyframe?) {
        let rows = try index.keyframes(camera: "c").map {
            PlaybackCutter.Keyframe(
                wallClock: $0.wallClock.timeIntervalSince1970, seconds: $0.seconds, segment: $0.segment, offset: $0.byteOffset)
        }
        let inRange = rows.filter { $0.wallClock >= from && $0.wallClock <= to }
        let following = inRange.count > limit ? inRange[limit] : rows.first { $0.wallClock > to }
        return (Array(inRange.prefix(limit)), following)
    }

    static func packed(
        _ store: ArchiveDatabase, from: Double, to: Double, limit: Int
    ) throws -> (keyframes: [PlaybackCutter.Keyframe], following: PlaybackCutter.Keyframe?) {
        try store.database.read { db in try SegmentKeyframes.read(camera: "c", from: from, to: to, limit: limit, db) }
    }

    @Test("packed rows kept while writing and removing read as the keyframe rows do, for random ranges and limits")
    func packedEqualsRows() throws {
        var random = SplitMix(seed: 15)
        for round in 0..<10 {
            let (store, directory) = try KeyframeIndexTests.temporaryStore()
            defer { try? FileManager.default.removeItem(at: directory) }
            let index = RecordingIndex(store: store)
            var time = 0.0
            var offset: Int64 = 0
            var batch: [IndexWrite] = []
            for number in 0..<600 {
                // Irregular GOPs and pauses; offsets from 0 (zero bytes in the packed blob) to past 32 bits.
                time += [0.5, 1, 1, 2, 7.25][Int(random.next() % 5)] + (random.next() % 50 == 0 ? 90 : 0)
                let segment = number / 20
                offset = number % 20 == 0 ? 0 : offset + Int64(random.next() % 3_000_000_000)
                batch.append(
                    .keyframe(
                        RecordedKeyframe(
                            camera: "c", wallClock: Date(timeIntervalSince1970: Self.t0 + time), seconds: time * 0.999,
                            segment: "/c/seg-\(segment).ts", byteOffset: offset, size: 1)))
                // Another camera's keyframes are never read.
                batch.append(
                    .keyframe(
                        RecordedKeyframe(
                            camera: "d", wallClock: Date(timeIntervalSince1970: Self.t0 + time), seconds: 0,
                            segment: "/d/seg-\(segment).ts", byteOffset: 9, size: 1)))
                if random.next() % 7 == 0 {
                    try index.apply(batch)
                    batch = []
                }
            }
            try index.apply(batch)
            for segment in [0, 7, 29] { try index.removeSegment("/c/seg-\(segment).ts") }
            for _ in 0..<40 {
                let from = Self.t0 + Double(random.next() % UInt64(time + 20)) - 10
                let to = from + Double(random.next() % 600)
                let limit = random.next() % 3 == 0 ? Int(random.next() % 50) + 1 : 100_000
                let expected = try Self.fromRows(index, from: from, to: to, limit: limit)
                let read = try Self.packed(store, from: from, to: to, limit: limit)
                #expect(read.keyframes == expected.keyframes, "round \(round): \(from - Self.t0)…\(to - Self.t0), \(limit)")
                #expect(read.following == expected.following, "round \(round): \(from - Self.t0)…\(to - Self.t0), \(limit)")
            }
            // An archive from before the packed rows has them built from its keyframe rows, equal to those kept.
            let everything = {
                try store.database.read { db in
                    try ["c", "d"].map {
                        try SegmentKeyframes.read(camera: $0, from: -.infinity, to: .infinity, limit: .max, db).keyframes
                    }
                }
            }
            let kept = try everything()
            try store.database.write { db in
                try db.execute(sql: "DELETE FROM recorded_segment")
                try SegmentKeyframes.build(db)
            }
            let built = try everything()
            #expect(Set(kept[0].map(\.segment)).count == 30 - 3 && kept[1].count == 600, "round \(round)")
            #expect(built == kept, "round \(round)")
        }
    }

    @Test("a clock stepped back between segments, far or a little: the keyframes still come in time order")
    func clockSteppedBack() throws {
        let (store, directory) = try KeyframeIndexTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = RecordingIndex(store: store)
        func keyframes(_ times: StrideThrough<Double>, _ segment: String) -> [IndexWrite] {
            times.map {
                .keyframe(
                    RecordedKeyframe(
                        camera: "c", wallClock: Date(timeIntervalSince1970: Self.t0 + $0), seconds: $0, segment: segment,
                        byteOffset: Int64($0), size: 1))
            }
        }
        // 100…130 s written first; then the clock stepped back 70 s: 50…60 s in the next segment; then forward, and
        // back 3 s into the first segment's end: 127…161 s (overlapping it, so its keyframes are sorted in).
        try index.apply(keyframes(stride(from: 100.0, through: 130, by: 2), "/a.ts"))
        try index.apply(keyframes(stride(from: 50.0, through: 60, by: 2), "/b.ts"))
        try index.apply(keyframes(stride(from: 127.0, through: 161, by: 2), "/c.ts"))
        for (from, to) in [(0.0, 200.0), (55, 110), (0, 59), (61, 99), (120, 127), (125, 135), (0, 128)] {
            let expected = try Self.fromRows(index, from: Self.t0 + from, to: Self.t0 + to, limit: 100)
            let read = try Self.packed(store, from: Self.t0 + from, to: Self.t0 + to, limit: 100)
            #expect(read.keyframes == expected.keyframes, "\(from)…\(to)")
            #expect(read.following == expected.following, "\(from)…\(to)")
        }
    }
}
