import MediaIO
import TestSupport
import Testing

@Suite("Keyframe listing")
struct KeyframeListingTests {
    /// Scans a file and returns every keyframe record.
    static func scan(_ path: String, analyze: Bool, threads: Int = 0) throws -> [ScannedKeyframe] {
        var options = ScanOptions()
        options.analyze = analyze
        options.decoderThreads = threads
        let scanner = try KeyframeScanner(source: .file(path: path), options: options)
        var records: [ScannedKeyframe] = []
        _ = try scanner.run { records.append($0) }
        return records
    }

    static func probed(_ records: [ScannedKeyframe]) -> [Oracles.ProbedPacket] {
        records.map {
            Oracles.ProbedPacket(pts: $0.packet.pts, dts: $0.packet.dts, position: $0.packet.position, size: $0.packet.size)
        }
    }

    @Test("equals ffprobe's K-flagged packets exactly (pts, dts, byte position, size)", arguments: Fixtures.keyframeCases)
    func matchesFFprobe(_ testCase: Fixtures.KeyframeCase) throws {
        let path = try Fixtures.file(testCase)
        let expected = try Oracles.keyPackets(path)
        #expect(expected.count >= 4, "the fixture should have several keyframes")
        let listed = try Self.scan(path, analyze: false)
        #expect(Self.probed(listed) == expected)
        #expect(listed.allSatisfy { $0.stats == nil })
    }

    @Test("analysing lists the same keyframes and measures every one", arguments: Fixtures.keyframeCases)
    func analysisKeepsTheList(_ testCase: Fixtures.KeyframeCase) throws {
        let path = try Fixtures.file(testCase)
        let expected = try Oracles.keyPackets(path)
        for threads in [1, 0] {
            let analysed = try Self.scan(path, analyze: true, threads: threads)
            #expect(Self.probed(analysed) == expected, "decoder threads \(threads)")
            #expect(analysed.allSatisfy { $0.stats != nil }, "decoder threads \(threads)")
        }
    }

    @Test("scene-cut fixtures have keyframes at irregular intervals", arguments: Fixtures.Codec.allCases)
    func sceneCutsAreIrregular(_ codec: Fixtures.Codec) throws {
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: codec, container: .mp4, gop: .sceneCuts))
        let times = try Oracles.keyPackets(path).compactMap(\.pts)
        let gaps = Set(zip(times.dropFirst(), times).map { $0 - $1 })
        #expect(times.count >= 5)
        #expect(gaps.count >= 3, "scene cuts at 1.3, 3.5, 4.4, 6.1, 7.2 s should give unequal intervals: \(times)")
    }

    @Test("probe reports the codec, size and a fixed GOP of 25 frames")
    func probeReportsGOP() throws {
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: .hevc, container: .ts, gop: .fixed25))
        let report = try MediaProbe.probe(.file(path: path))
        #expect(report.media.videoStream.codec == "hevc")
        #expect(report.media.videoStream.width == 320 && report.media.videoStream.height == 240)
        #expect(report.gop?.frames == 25)
        #expect(report.gop?.isFixed == true)
        #expect(abs((report.gop?.seconds ?? 0) - 1.0) < 1e-9)
    }
}
