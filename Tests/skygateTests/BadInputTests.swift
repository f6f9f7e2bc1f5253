import Archive
import Foundation
import MediaIO
import TestSupport
import Testing

/// Every kind of bad input gets one clear line on standard error, a non-zero exit, and leaves the index as it was.
@Suite("Bad input through the CLI")
struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// Makes the argument to index, given a scratch directory.
        var argument: @Sendable (URL) throws -> String
        /// Words the error line must contain (any one of them), so the message says what went wrong.
        var mentions: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "nonexistent path", argument: { $0.appendingPathComponent("missing.mp4").path }, mentions: ["No such file"]),
        Case(
            name: "truncated MP4",
            argument: { directory in
                let source = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .mp4, gop: .fixed25))
                let data = try Data(contentsOf: URL(fileURLWithPath: source))
                let path = directory.appendingPathComponent("truncated.mp4")
                try data.prefix(data.count * 6 / 10).write(to: path)
                return path.path
            }, mentions: ["Invalid data", "truncated"]),
        Case(
            name: "random bytes",
            argument: { directory in
                var state: UInt64 = 42
                let bytes = (0..<65_536).map { _ -> UInt8 in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return UInt8(truncatingIfNeeded: state >> 56)
                }
                let path = directory.appendingPathComponent("noise.mp4")
                try Data(bytes).write(to: path)
                return path.path
            }, mentions: ["Invalid data", "no video stream"]),
        Case(name: "audio-only file", argument: { _ in try Fixtures.audioOnlyClip() }, mentions: ["no video stream"]),
        Case(name: "file: URL", argument: { _ in "file:/etc/hostname" }, mentions: ["refused"]),
        Case(name: "concat: URL", argument: { _ in "concat:/etc/hostname|/etc/hostname" }, mentions: ["refused"]),
        Case(name: "subfile: URL", argument: { _ in "subfile:,start,0,end,16,:/etc/hostname" }, mentions: ["refused"]),
        Case(name: "data: URL", argument: { _ in "data:video/mp4;base64,AAAAIGZ0eXA=" }, mentions: ["refused"]),
        Case(name: "pipe: URL", argument: { _ in "pipe:0" }, mentions: ["refused"]),
        Case(
            name: "unreachable RTSP camera", argument: { _ in "rtsp://127.0.0.1:9/x" },
            mentions: ["Connection refused", "timed out"]),
    ]

    @Test("one line, non-zero exit, index unchanged", arguments: cases)
    func badInput(_ testCase: Case) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("archive.sqlite").path
        // An index that already holds a good source: a bad run must not disturb it.
        let good = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .fixed50))
        let seeded = try SkygateBinary.run(["index", good, "--db", database])
        try #require(seeded.status == 0, "\(seeded.standardError)")
        let before = try ArchiveDatabase(path: database).keyframes()

        let argument = try testCase.argument(directory)
        let openTimeout = 3.0
        let result = try SkygateBinary.run(["index", argument, "--db", database, "--open-timeout", "\(openTimeout)"])

        #expect(result.status != 0)
        #expect(result.standardOutput.isEmpty)
        let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 1, "stderr: \(result.standardError)")
        #expect(lines.first?.hasPrefix("skygate: ") == true)
        #expect(testCase.mentions.contains { result.standardError.contains($0) }, "stderr: \(result.standardError)")
        #expect(result.elapsed < openTimeout + 1, "gave up after \(result.elapsed) s")

        let store = try ArchiveDatabase(path: database)
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.sources().map(\.locator) == [good])
        #expect(try store.keyframes() == before)
    }

    @Test("a path that names no media is not mistaken for a URL, and vice versa")
    func pathsAndURLs() throws {
        let result = try SkygateBinary.run(["probe", "gopher://example.invalid/x"])
        #expect(result.status == 65)
        #expect(result.standardError.contains("refused URL scheme 'gopher:'"))
        #expect(result.standardError.contains("give its path"))
    }

    @Test("credentials in a refused or unreachable URL are never printed, even in FFmpeg's trace log")
    func credentialsRedacted() throws {
        for url in ["rtsp://admin:hunter2@127.0.0.1:9/x", "ftp://admin:hunter2@cam/x"] {
            let result = try SkygateBinary.run(["probe", url, "--open-timeout", "2", "--log-level", "trace"])
            #expect(result.status != 0)
            #expect(!result.standardError.contains("hunter2") && !result.standardOutput.contains("hunter2"))
            #expect(result.standardError.contains("***@"))
        }
    }
}
