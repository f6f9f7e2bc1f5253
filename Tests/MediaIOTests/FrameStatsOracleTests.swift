import MediaIO
import TestSupport
import Testing

@Suite("Frame statistics against FFmpeg's filters")
struct FrameStatsOracleTests {
    static func analysed(_ path: String) throws -> [ScannedKeyframe] {
        try KeyframeListingTests.scan(path, analyze: true, threads: 1)
    }

    @Test(
        "mean Y, U and V equal signalstats' YAVG, UAVG and VAVG within 0.5, saturation its SATAVG within 1",
        arguments: ["tones", "scenes"])
    func meansMatchSignalstats(_ clip: String) throws {
        let path = clip == "tones" ? try Fixtures.toneClip() : try Fixtures.sceneCutClip()
        let oracle = try Oracles.keyframeFilterMetadata(path, filters: "signalstats")
        let records = try Self.analysed(path)
        #expect(records.count == oracle.count)
        for record in records {
            let key = Int(((record.packet.seconds ?? -1) * 1000).rounded())
            let stats = try #require(record.stats)
            let expected = try #require(oracle[key], "no signalstats frame at \(key) ms")
            #expect(abs(stats.meanLuma - expected["lavfi.signalstats.YAVG"]!) <= 0.5, "Y at \(key) ms")
            #expect(abs(stats.meanU - expected["lavfi.signalstats.UAVG"]!) <= 0.5, "U at \(key) ms")
            #expect(abs(stats.meanV - expected["lavfi.signalstats.VAVG"]!) <= 0.5, "V at \(key) ms")
            // Issue 17, IR-cut: the chroma's distance from grey, from sampled rows, against every row's.
            let saturation = try #require(stats.saturation)
            #expect(abs(saturation - expected["lavfi.signalstats.SATAVG"]!) <= 1, "saturation at \(key) ms")
        }
        // The clips must actually span dark, bright and colour-cast pictures, or agreement proves little.
        let means = records.compactMap { $0.stats?.meanLuma }
        #expect(means.max()! - means.min()! > 40, "\(means)")
    }

    @Test("the tone clip reads as dark, then bright, then blue-cast")
    func tonesAreDistinguished() throws {
        let stats = try Self.analysed(try Fixtures.toneClip()).compactMap(\.stats)
        #expect(stats.count == 6)
        let dark = stats[0..<2]
        let bright = stats[2..<4]
        let blue = stats[4..<6]
        #expect(dark.allSatisfy { $0.darkFraction > 0.3 && $0.meanLuma < 60 })
        #expect(bright.allSatisfy { $0.brightFraction > 0.3 && $0.meanLuma > 180 })
        #expect(blue.allSatisfy { $0.meanU > 145 && $0.meanV < 124 })
        #expect(dark.allSatisfy { abs($0.meanU - 128) < 12 })
    }

    @Test("sharpness falls along the blur ladder as blurdetect's blur rises")
    func blurLadder() throws {
        let radii = [0, 1, 2, 4, 8]
        var sharpness: [Double] = []
        var blurdetect: [Double] = []
        var edges: [Double] = []
        for radius in radii {
            let path = try Fixtures.blurClip(radius: radius)
            let stats = try Self.analysed(path).compactMap(\.stats)
            #expect(stats.count == 2)
            sharpness.append(stats.map(\.sharpness).reduce(0, +) / Double(stats.count))
            edges.append(stats.map(\.edgeDensity).reduce(0, +) / Double(stats.count))
            let oracle = try Oracles.keyframeFilterMetadata(path, filters: "blurdetect")
            blurdetect.append(oracle.values.compactMap { $0["lavfi.blur"] }.reduce(0, +) / Double(oracle.count))
        }
        #expect(zip(blurdetect, blurdetect.dropFirst()).allSatisfy { $0 < $1 }, "blurdetect: \(blurdetect)")
        #expect(zip(sharpness, sharpness.dropFirst()).allSatisfy { $0 > $1 }, "sharpness: \(sharpness)")
        #expect(zip(edges, edges.dropFirst()).allSatisfy { $0 >= $1 }, "edge density: \(edges)")
    }

    @Test("identical keyframes hash identically")
    func identicalFramesHashZero() throws {
        let path = try Fixtures.identicalKeyframesClip()
        let checksums = try Oracles.keyframeMD5s(path)
        #expect(checksums.count >= 5)
        #expect(Set(checksums).count == 1, "the fixture's keyframes must decode to identical pixels")
        let stats = try Self.analysed(path).compactMap(\.stats)
        #expect(stats.count == checksums.count)
        #expect(stats.allSatisfy { FrameStats.hashDistance($0.perceptualHash, stats[0].perceptualHash) == 0 })
        #expect(stats.allSatisfy { $0 == stats[0] })
    }

    @Test("the same picture at 1500 and 150 kbit/s hashes within 6 bits")
    func reencodedPictureHashesClose() throws {
        let high = try Self.analysed(try Fixtures.bitrateClip(kilobits: 1500))
        let low = try Self.analysed(try Fixtures.bitrateClip(kilobits: 150))
        #expect(high.count == low.count && high.count >= 4)
        for (a, b) in zip(high, low) {
            #expect(a.packet.pts == b.packet.pts)
            let distance = FrameStats.hashDistance(a.stats!.perceptualHash, b.stats!.perceptualHash)
            #expect(distance <= 6, "keyframe at \(a.packet.seconds ?? -1) s differs by \(distance) bits")
        }
    }

    @Test("keyframes on either side of a scene cut differ by at least 20 bits", arguments: Fixtures.Codec.allCases)
    func sceneCutsHashFar(_ codec: Fixtures.Codec) throws {
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: codec, container: .mp4, gop: .sceneCuts))
        let stats = try Self.analysed(path).compactMap(\.stats)
        #expect(stats.count >= 5)
        for (a, b) in zip(stats, stats.dropFirst()) {
            #expect(FrameStats.hashDistance(a.perceptualHash, b.perceptualHash) >= 20)
        }
    }

    @Test("10-bit video is refused for analysis with a clear error, and still listed without it")
    func tenBitRefused() throws {
        let path = try Fixtures.tenBitClip()
        #expect {
            _ = try KeyframeListingTests.scan(path, analyze: true)
        } throws: { error in
            guard let error = error as? MediaError else { return false }
            return error.code == .unsupportedPixelFormat && error.message.contains("yuv420p10le")
                && error.message.contains("--no-analyze")
        }
        #expect(try KeyframeListingTests.scan(path, analyze: false).count == (try Oracles.keyPackets(path)).count)
    }
}
