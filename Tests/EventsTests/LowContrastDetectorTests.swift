import Events
import Foundation
import MediaIO
import Testing

/// Issue 17, item 1: low contrast (fog) against a covered lens.
@Suite("Low contrast")
struct LowContrastDetectorTests {
    typealias Base = CameraDetectorTests

    /// A normal picture with a thumbnail whose cells vary as a street scene's do.
    static func scene(_ n: Int) -> FrameStats {
        var stats = Base.normal(n)
        stats.thumbnail = (0..<64).map { Float(60 + ($0 * 37 + n) % 140) }
        return stats
    }

    /// The scene in fog: a third of its spread and edges, brighter, the thumbnail's structure kept but compressed.
    static func fog(_ n: Int) -> FrameStats {
        var stats = scene(n)
        stats.lumaStdDev /= 3
        stats.edgeDensity /= 15
        stats.sharpness /= 9
        stats.meanLuma = 150
        stats.thumbnail = stats.thumbnail.map { 150 + ($0 - 130) / 3 }
        return stats
    }

    /// The scene with 80 % of it covered by one grey board: most thumbnail cells the same.
    static func covered(_ n: Int) -> FrameStats {
        var stats = fog(n)
        stats.meanLuma = 118
        stats.thumbnail = stats.thumbnail.enumerated().map { $0.offset < 51 ? 118 : $0.element }
        return stats
    }

    @Test("fog raises low contrast and hides occlusion and blur; a covered lens is occlusion, not fog")
    func fogAgainstCover() {
        var foggy = Base.detector()
        #expect(Base.feed(&foggy, (0..<12).map(Self.scene), from: Base.noon).isEmpty)
        let raised = Base.feed(&foggy, (0..<4).map(Self.fog), from: Base.noon + 24)
        #expect(raised.map(\.kind) == [.lowContrast], "\(raised.map(\.kind))")
        #expect((raised.first?.evidence["flatShare"] ?? 1) < 0.5)
        let cleared = Base.feed(&foggy, (0..<4).map(Self.scene), from: Base.noon + 32)
        #expect(cleared.map(\.phase) == [.cleared])

        var coveredLens = Base.detector()
        _ = Base.feed(&coveredLens, (0..<12).map(Self.scene), from: Base.noon)
        let covered = Base.feed(&coveredLens, (0..<4).map(Self.covered), from: Base.noon + 24)
        #expect(covered.map(\.kind) == [.occlusion], "\(covered.map(\.kind))")
    }

    @Test("without a learned baseline or a thumbnail, low contrast is not judged")
    func needsBaselineAndThumbnail() {
        var early = Base.detector()
        #expect(Base.feed(&early, (0..<4).map(Self.fog), from: Base.noon).allSatisfy { $0.kind != .lowContrast })
        var bare = Base.detector()
        _ = Base.feed(&bare, (0..<12).map(Self.scene), from: Base.noon)
        let noThumbnail = (0..<4).map { n -> FrameStats in
            var stats = Self.fog(n)
            stats.thumbnail = []
            return stats
        }
        #expect(Base.feed(&bare, noThumbnail, from: Base.noon + 24).allSatisfy { $0.kind != .lowContrast })
    }
}
