import Foundation
import MediaIO
import TestSupport
import Testing

@testable import Archive

/// Issue 17, item 3: what a replay reads back of an analysed keyframe is what the detector saw, thumbnail included.
@Suite("Analysed keyframes")
struct AnalysedKeyframeTests {
    @Test("statistics written with the keyframe or after it come back whole, bit for bit; unanalysed ones not at all")
    func roundTrip() throws {
        let (store, directory) = try KeyframeIndexTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = RecordingIndex(store: store)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        var stats = FrameStats(
            width: 1920, height: 1080, meanLuma: 101.25, lumaStdDev: 33.5, darkFraction: 0.01, brightFraction: 0.02,
            sharpness: 812.125, edgeDensity: 0.0625, perceptualHash: 0xF0F0_0000_FFFF_1234, meanU: 127.5, meanV: 129.75,
            saturation: 38.875)
        stats.thumbnail = (0..<64).map { Float($0) * 3.3 + 0.1 }
        var later = stats
        later.meanLuma = 12
        later.saturation = 0.25
        later.thumbnail = (0..<64).map { -Float($0) / 7 }
        func keyframe(_ seconds: Double, _ stats: FrameStats?) -> RecordedKeyframe {
            RecordedKeyframe(
                camera: "c", wallClock: t0 + seconds, seconds: seconds, segment: "/s.ts", byteOffset: 0, size: 1, stats: stats)
        }
        try index.apply([
            .keyframe(keyframe(0, stats)), .keyframe(keyframe(2, nil)), .keyframe(keyframe(4, nil)),
            .stats(camera: "c", wallClock: t0 + 4, stats: later, declared: nil),
        ])
        let read = try index.analysedKeyframes(camera: "c", from: t0, to: t0 + 10)
        #expect(read.map(\.wallClock) == [t0, t0 + 4], "the keyframe never analysed is not one the detector saw")
        #expect(read.map(\.stats) == [stats, later])
        #expect(read[1].stats?.thumbnail.count == 64)
        // Keyframe pages leave thumbnails out: 256 bytes each would double a page.
        #expect(try index.keyframes(camera: "c").first?.stats?.thumbnail.isEmpty == true)
        #expect(try index.keyframes(camera: "c").first?.stats?.saturation == 38.875)
    }
}
