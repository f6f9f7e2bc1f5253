import Archive
import Foundation
import MediaIO
import Testing

@Suite("Patrol visit log")
struct PatrolVisitLogTests {
    static let start = Date(timeIntervalSince1970: 1_796_126_400)

    static func stats(_ luma: Double) -> FrameStats {
        FrameStats(
            width: 1920, height: 1080, meanLuma: luma, lumaStdDev: 50, darkFraction: 0.1, brightFraction: 0.1, sharpness: 12,
            edgeDensity: 0.2, perceptualHash: 0x1234_5678, meanU: 128, meanV: 128)
    }

    @Test("visits round-trip with their statistics and facts; latest per camera; trim removes only older visits")
    func roundTrip() throws {
        let (store, directory) = try KeyframeIndexTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = PatrolVisitLog(store: store)
        let facts = StreamFacts(codec: "h264", width: 1920, height: 1080, frameRate: 25, gop: 2, bitrate: 4e6)
        let visits = [
            PatrolVisit(camera: "a", startedAt: Self.start, duration: 2.5, outcome: .unreachable, reason: "refused"),
            PatrolVisit(
                camera: "a", startedAt: Self.start + 900, duration: 4.2, outcome: .ok,
                keyframes: [100, 101, 102].map(Self.stats),
                stream: facts),
            PatrolVisit(camera: "b", startedAt: Self.start + 10, duration: 10, outcome: .noKeyframe, reason: "noData"),
        ]
        try log.append(visits)
        #expect(try log.visits(camera: "a") == Array(visits.prefix(2)))
        #expect(try log.latest(cameras: ["a", "b", "c"]) == ["a": visits[1], "b": visits[2]])
        #expect(
            try log.recent(camera: "a", limit: 1) == [visits[1]] && log.recent(camera: "a", limit: 5) == [visits[1], visits[0]])
        #expect(try log.latest(camera: "a") == visits[1] && log.latest(camera: "c") == nil)
        try log.trim(before: Self.start + 20)
        #expect(try log.visits(camera: nil) == [visits[1]])
    }
}
