import Foundation
import TestSupport
import Testing

@testable import Archive

/// Coverage is answered from recording runs kept up to date with the keyframe rows (issue 13, item 4): they must say
/// what the keyframes say, after any order of writes and removals.
@Suite("Recording runs")
struct RecordingRunTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func keyframe(_ seconds: Double, segment: Int) -> IndexWrite {
        .keyframe(
            RecordedKeyframe(
                camera: "c", wallClock: t0 + seconds, seconds: seconds, segment: "/seg-\(segment).ts", byteOffset: 0, size: 1))
    }

    static func shape(_ spans: [CoverageSpan]) -> [String] {
        spans.map {
            "\($0.kind.rawValue) \(Int($0.from.timeIntervalSince(t0)))-\(Int($0.to.timeIntervalSince(t0))) \($0.reason ?? "\($0.keyframes!)")"
        }
    }

    @Test("retention's removal of the oldest segment shortens a run; a removed middle segment is a gap")
    func removals() throws {
        let (store, directory) = try KeyframeIndexTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = RecordingIndex(store: store)
        // Keyframes every 2 s from 0 to 118 s, in six 20-second segments.
        try index.apply(stride(from: 0.0, through: 118, by: 2).map { Self.keyframe($0, segment: Int($0) / 20) })
        let whole = { try index.coverage(camera: "c", from: Self.t0, to: Self.t0 + 200) }
        #expect(Self.shape(try whole()) == ["recorded 0-120 60", "gap 120-200 not recorded"])

        try index.removeSegment("/seg-0.ts")
        #expect(Self.shape(try whole()) == ["gap 0-20 not recorded", "recorded 20-120 50", "gap 120-200 not recorded"])
        try index.removeSegment("/seg-2.ts")
        #expect(
            Self.shape(try whole()) == [
                "gap 0-20 not recorded", "recorded 20-38 10", "gap 38-60 not recorded", "recorded 60-120 30",
                "gap 120-200 not recorded",
            ])
        // A range inside the last run counts its own keyframes, from the one where playing from 71 s starts.
        #expect(
            Self.shape(try index.coverage(camera: "c", from: Self.t0 + 71, to: Self.t0 + 81)) == ["recorded 71-81 6"])
        try index.removeSegment("/seg-5.ts")
        #expect(Self.shape(try whole()).last == "gap 100-200 not recorded")
    }

    @Test("runs kept while writing equal runs built afresh from the rows, over random writes, late gaps and removals")
    func incrementalEqualsRebuilt() throws {
        var random = SplitMix(seed: 13)
        for round in 0..<20 {
            let (store, directory) = try KeyframeIndexTests.temporaryStore()
            defer { try? FileManager.default.removeItem(at: directory) }
            let index = RecordingIndex(store: store)
            var time = 0.0
            var batch: [IndexWrite] = []
            var late: [RecordingGap] = []
            for _ in 0..<400 {
                let gop = [1.0, 2, 2, 4, 12][Int(random.next() % 5)]
                let pause = random.next() % 40 == 0 ? Double(random.next() % 120) : 0
                if pause > 0 && random.next() % 2 == 0 {
                    let gap = RecordingGap(camera: "c", from: Self.t0 + time + 0.5, to: Self.t0 + time + pause, reason: "ended")
                    // Most gap rows come in order; some after the keyframes that follow them.
                    if random.next() % 4 == 0 { late.append(gap) } else { batch.append(.gap(gap)) }
                }
                time += gop + pause
                batch.append(Self.keyframe(time, segment: Int(time) / 30))
                if random.next() % 25 == 0 {
                    try index.apply(batch)
                    batch = []
                }
            }
            try index.apply(batch + late.map(IndexWrite.gap))
            let kept = try index.coverage(camera: "c", from: Self.t0, to: Self.t0 + time + 10)
            try store.database.write { db in
                try db.execute(sql: "DELETE FROM recording_run")
                try RunBook.build(db)
            }
            let rebuilt = try index.coverage(camera: "c", from: Self.t0, to: Self.t0 + time + 10)
            #expect(Self.shape(kept) == Self.shape(rebuilt), "round \(round)")

            // Removals shorten and split runs; the runs still hold every remaining keyframe exactly once.
            for segment in [0, Int(time) / 60, Int(time) / 90] { try index.removeSegment("/seg-\(segment).ts") }
            let runs = try store.database.read { db in
                try RecordingRun.overlapping(camera: "c", from: 0, to: .greatestFiniteMagnitude, db)
            }
            let rows = try index.keyframes(camera: "c").map(\.wallClock.timeIntervalSince1970)
            #expect(runs.map(\.keyframes).reduce(0, +) == rows.count, "round \(round)")
            #expect(rows.allSatisfy { row in runs.contains { $0.from <= row && row <= $0.to } }, "round \(round)")
            #expect(zip(runs, runs.dropFirst()).allSatisfy { $0.to < $1.from }, "runs overlap in round \(round)")
        }
    }
}
