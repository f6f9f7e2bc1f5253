import Foundation
import TestSupport
import Testing

@Suite("index, keyframes and probe through the CLI")
struct IndexCommandTests {
    struct Summary: Decodable {
        struct Scan: Decodable { var keyframes: Int; var analyzed: Int }
        var scan: Scan
    }

    struct Listing: Decodable {
        struct Keyframe: Decodable {
            var pts: Int64?
            var seconds: Double
            var position: Int64?
            var stats: Stats?
        }
        struct Stats: Decodable { var meanLuma: Double; var perceptualHash: UInt64 }
        var keyframes: [Keyframe]
    }

    @Test("index --json, then keyframes --from --to --json, agree with ffprobe")
    func indexThenQuery() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("archive.sqlite").path
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: .hevc, container: .mp4, gop: .sceneCuts))
        let expected = try Oracles.keyPackets(path)

        let indexed = try SkygateBinary.run(["index", path, "--db", database, "--json"])
        try #require(indexed.status == 0, "\(indexed.standardError)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(indexed.standardOutput.utf8))
        #expect(summary.scan.keyframes == expected.count && summary.scan.analyzed == expected.count)

        let listed = try SkygateBinary.run([
            "keyframes", "--db", database, "--source", path, "--from", "1", "--to", "0:04.5", "--json",
        ])
        try #require(listed.status == 0, "\(listed.standardError)")
        let sources = try JSONDecoder().decode([Listing].self, from: Data(listed.standardOutput.utf8))
        let keyframes = try #require(sources.first).keyframes
        let expectedInRange = expected.filter { packet in
            let seconds = Double(packet.pts!) / 12_800
            return seconds >= 1 && seconds <= 4.5
        }
        #expect(keyframes.map(\.pts) == expectedInRange.map(\.pts))
        #expect(keyframes.map(\.position) == expectedInRange.map(\.position))
        #expect(keyframes.allSatisfy { $0.stats != nil })
    }

    @Test("the table output names the source and has one line per keyframe")
    func tableOutput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("archive.sqlite").path
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .fixed25))
        #expect(try SkygateBinary.run(["index", path, "--db", database, "--no-analyze"]).status == 0)
        let listed = try SkygateBinary.run(["keyframes", "--db", database])
        #expect(listed.status == 0)
        let lines = listed.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix(path) == true)
        #expect(lines.count == 2 + (try Oracles.keyPackets(path)).count)
    }

    @Test("probe prints codec, resolution and the GOP")
    func probe() throws {
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .mp4, gop: .fixed50))
        let result = try SkygateBinary.run(["probe", path])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("h264"))
        #expect(result.standardOutput.contains("320x240"))
        #expect(result.standardOutput.contains("gop       50 frames, 2.00 s, fixed"))
    }

    @Test("a bad time is a usage error that says what it expects")
    func badTime() throws {
        let result = try SkygateBinary.run(["keyframes", "--db", "/nonexistent/x.sqlite", "--from", "1:75"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("expected seconds"))
    }
}
