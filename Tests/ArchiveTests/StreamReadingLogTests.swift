import Foundation
import MediaIO
import TestSupport
import Testing

@testable import Archive

/// Issue 17, item 3: a recorded camera's stream readings come back as its conformance detectors saw them.
@Suite("Stream readings")
struct StreamReadingLogTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("packed readings come back with their times to the millisecond and lengths to the microsecond; values saturate")
    func packing() {
        let readings = [
            ThroughputReading(at: Self.t0, bytes: 250_000, frames: 25, seconds: 1.000_417),
            ThroughputReading(at: Self.t0 + 1.000_417, bytes: 0, frames: 0, seconds: 1.5),
            ThroughputReading(at: Self.t0 + 3600.25, bytes: 5_000_000_000, frames: 70_000, seconds: 5000),
        ]
        let data = ThroughputPacking.pack(readings, from: Self.t0)
        #expect(data.count == 3 * ThroughputPacking.readingSize)
        let back = ThroughputPacking.unpack(data, from: Self.t0)
        #expect(back.count == 3)
        for (read, written) in zip(back, readings).prefix(2) {
            #expect(abs(read.at.timeIntervalSince(written.at)) <= 0.0005)
            #expect(read.bytes == written.bytes && read.frames == written.frames)
            #expect(abs(read.seconds - written.seconds) <= 0.000_000_5)
        }
        #expect(back[2].bytes == Int(UInt32.max) && back[2].frames == Int(UInt16.max))
        #expect(abs(back[2].seconds - Double(UInt32.max) / 1e6) < 1e-6, "71 minutes at most")
        #expect(ThroughputPacking.unpack(data.prefix(20), from: Self.t0).count == 1, "a truncated tail is dropped")
    }

    @Test("throughput rows, clock readings, keyframe times and declared rates: a range reads its own, rows across its start too")
    func history() throws {
        let (store, directory) = try KeyframeIndexTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = RecordingIndex(store: store)
        let readings = (0..<25).map { ThroughputReading(at: Self.t0 + Double($0), bytes: 1000 * $0, frames: 25, seconds: 1) }
        let stats = FrameStats(
            width: 640, height: 360, meanLuma: 100, lumaStdDev: 30, darkFraction: 0, brightFraction: 0, sharpness: 100,
            edgeDensity: 0.1, perceptualHash: 1, meanU: 128, meanV: 128)
        func keyframe(_ seconds: Double) -> RecordedKeyframe {
            RecordedKeyframe(
                camera: "c", wallClock: Self.t0 + seconds, seconds: seconds, segment: "/s.ts", byteOffset: 0, size: 1)
        }
        try index.apply([
            .throughput(camera: "c", Array(readings[0..<10])), .throughput(camera: "c", Array(readings[10..<20])),
            .throughput(camera: "c", Array(readings[20...])), .throughput(camera: "other", readings),
            .clockReading(ClockReading(camera: "c", at: Self.t0 + 2, offset: 90.5)),
            .clockReading(ClockReading(camera: "c", at: Self.t0 + 30, offset: 1)),
            .keyframe(keyframe(4)), .keyframe(keyframe(6)), .keyframe(keyframe(8)), .keyframe(keyframe(30)),
            .stats(camera: "c", wallClock: Self.t0 + 6, stats: stats, declared: DeclaredFrameRate(rate: 50, at: Self.t0 + 6.25)),
            .stats(camera: "c", wallClock: Self.t0 + 8, stats: stats, declared: DeclaredFrameRate(rate: nil, at: Self.t0 + 8.5)),
        ])
        let history = try StreamReadingLog(store: store).history(camera: "c", from: Self.t0 + 5, to: Self.t0 + 22)
        #expect(history.throughput == Array(readings[5..<22]), "the first row began before the range")
        #expect(history.clockReadings.isEmpty)
        #expect(history.keyframeTimes == [Self.t0 + 6, Self.t0 + 8])
        #expect(
            history.declaredFrameRates == [
                DeclaredFrameRate(rate: 50, at: Self.t0 + 6.25), DeclaredFrameRate(rate: nil, at: Self.t0 + 8.5),
            ], "a stream that declared nothing is heard too: the detector forgets the rate it had")
        let all = try StreamReadingLog(store: store).history(camera: "c", from: Self.t0, to: Self.t0 + 100)
        #expect(all.clockReadings.map(\.offset) == [90.5, 1])
        #expect(all.throughput.count == 25)
        // Retention takes them with the rest of the camera's history.
        try index.trimHistory(camera: "c", before: Self.t0 + 15)
        let trimmed = try StreamReadingLog(store: store).history(camera: "c", from: Self.t0, to: Self.t0 + 100)
        #expect(trimmed.throughput.first?.at == Self.t0 + 20, "rows that began before the cut are gone")
        #expect(trimmed.clockReadings.map(\.offset) == [1])
        #expect(try StreamReadingLog(store: store).history(camera: "none", from: Self.t0, to: Self.t0 + 100).isEmpty)
    }
}
