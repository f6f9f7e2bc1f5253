import Foundation
import MediaIO
import Testing

@testable import Archive

/// The viewer-facing reads of the recording index, which read their rows by position (issue 13, item 4): checked
/// against figures computed here from the rows written.
@Suite("Recording index pages and statistics")
struct RecordingIndexPageTests {
    /// 600 keyframes 2 s apart; every third has no statistics yet (analysis runs behind recording).
    static func history(start: Date) -> [RecordedKeyframe] {
        (0..<600).map { number in
            let stats =
                number % 3 == 2
                ? nil
                : FrameStats(
                    width: 1280, height: 720, meanLuma: Double(number % 97), lumaStdDev: Double(number % 13),
                    darkFraction: 0.1, brightFraction: 0.2, sharpness: Double(number % 7) / 2, edgeDensity: 0.3,
                    perceptualHash: UInt64.max - UInt64(number), meanU: 120, meanV: 136)
            return RecordedKeyframe(
                camera: "cam", wallClock: start.addingTimeInterval(Double(number) * 2), seconds: Double(number) * 2,
                segment: "/s/\(number / 30).ts", byteOffset: Int64(number * 1000), size: 900 + number, stats: stats)
        }
    }

    /// A scratch recording index holding `history`.
    static func indexedHistory() throws -> (RecordingIndex, Date, [RecordedKeyframe], URL) {
        let (store, directory) = try KeyframeIndexTests.temporaryStore()
        let index = RecordingIndex(store: store)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let rows = history(start: start)
        try index.apply(rows.map { .keyframe($0) })
        return (index, start, rows, directory)
    }

    @Test("statistics average each equal stretch of the range, oldest first, over analysed keyframes only")
    func statisticsAverageEachStretch() throws {
        let (index, start, rows, directory) = try Self.indexedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let end = start.addingTimeInterval(1200)
        let points = try index.statistics(camera: "cam", from: start, to: end, points: 7)
        // The stretches computed here: the last one includes `end` itself.
        let width = 1200.0 / 7
        let expected = Dictionary(grouping: rows.filter { $0.stats != nil && $0.wallClock <= end }) {
            min(Int($0.wallClock.timeIntervalSince(start) / width), 6)
        }
        .sorted { $0.key < $1.key }
        #expect(points.count == expected.count)
        for (point, (_, group)) in zip(points, expected) {
            let count = Double(group.count)
            #expect(point.keyframes == group.count)
            #expect(point.at == group.map(\.wallClock).min())
            #expect(abs(point.brightness - group.map { $0.stats!.meanLuma }.reduce(0, +) / count) < 1e-9)
            #expect(abs(point.contrast - group.map { $0.stats!.lumaStdDev }.reduce(0, +) / count) < 1e-9)
            #expect(abs(point.sharpness - group.map { $0.stats!.sharpness }.reduce(0, +) / count) < 1e-9)
        }
    }

    @Test("pages list every keyframe once, in order, with their statistics, and end with no cursor")
    func pagesListEveryKeyframeOnce() throws {
        let (index, start, rows, directory) = try Self.indexedHistory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var listed: [RecordedKeyframe] = []
        var cursor: KeyframeCursor? = nil
        repeat {
            let page = try index.keyframePage(
                camera: "cam", from: start, to: start.addingTimeInterval(3600), after: cursor, limit: 250)
            #expect(page.keyframes.count <= 250)
            listed += page.keyframes
            cursor = page.next
        } while cursor != nil
        #expect(listed == rows)
    }
}
