import Foundation
import Synchronization
import Testing

@testable import Archive

/// Issue 13, item 4: the archive was one `DatabaseQueue`, so one viewer's long read held up every other reader
/// (`/readyz` waited 13 s) and every camera's keyframe rows.
@Suite("Archive concurrency")
struct ArchiveConcurrencyTests {
    @Test("a long read holds up neither another reader nor the writer")
    func readersDoNotBlock() throws {
        let (store, directory) = try KeyframeIndexTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = RecordingIndex(store: store)
        let now = Date()
        try index.append([
            RecordedKeyframe(camera: "cam", wallClock: now, seconds: 0, segment: "/s.ts", byteOffset: 0, size: 1)
        ])
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? store.read("hold a long read") { _ in
                started.signal()
                Thread.sleep(forTimeInterval: 1.5)
            }
            finished.signal()
        }
        started.wait()
        var clock = ContinuousClock.now
        #expect(try index.keyframes(camera: "cam").count == 1)
        let read = ContinuousClock.now - clock
        clock = ContinuousClock.now
        try index.apply([
            .keyframe(RecordedKeyframe(camera: "cam", wallClock: now + 2, seconds: 2, segment: "/s.ts", byteOffset: 9, size: 1))
        ])
        let write = ContinuousClock.now - clock
        finished.wait()
        #expect(read < .milliseconds(500), "a read waited \(read) behind another reader")
        #expect(write < .milliseconds(500), "a write waited \(write) behind a reader")
    }

    @Test("a keyframe listing reads no further than its limit; coverage is one pass")
    func limitsAreTheQuerys() throws {
        let (store, directory) = try KeyframeIndexTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = RecordingIndex(store: store)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        // 200,000 keyframes 2 s apart with a gap row every 100: the shape that made coverage O(keyframes × gaps).
        var writes: [IndexWrite] = []
        for number in 0..<200_000 {
            let at = start + Double(number) * 2
            writes.append(
                .keyframe(RecordedKeyframe(camera: "cam", wallClock: at, seconds: 0, segment: "/s.ts", byteOffset: 0, size: 1)))
            if number % 100 == 99 {
                writes.append(.gap(RecordingGap(camera: "cam", from: at, to: at + 2, reason: "ended")))
            }
        }
        try index.apply(writes)
        #expect(try index.keyframes(camera: "cam", limit: 10).count == 10)
        let clock = ContinuousClock.now
        let spans = try index.coverage(camera: "cam", from: start, to: start + 400_000)
        let elapsed = ContinuousClock.now - clock
        #expect(spans.filter { $0.kind == .gap && $0.reason == "ended" }.count == 1_999)
        // Linear: about a second in a debug build here; the search of every gap row per pair takes minutes.
        #expect(elapsed < .seconds(20), "coverage of 200,000 keyframes and 2,000 gaps took \(elapsed)")
    }
}
