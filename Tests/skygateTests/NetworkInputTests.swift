import Archive
import Foundation
import MediaIO
import TestSupport
import Testing

/// Network inputs against a real HTTP server on loopback.
@Suite("Network inputs")
struct NetworkInputTests {
    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-net-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("an MPEG-TS over HTTP indexes to exactly ffprobe's keyframes of the same file")
    func transportStreamOverHTTP() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .sceneCuts))
        try FileManager.default.copyItem(atPath: source, toPath: directory.appendingPathComponent("camera.ts").path)
        let server = try HTTPFileServer(directory: directory.path)
        let database = directory.appendingPathComponent("archive.sqlite").path

        let result = try SkygateBinary.run(["index", server.url("camera.ts"), "--db", database])
        try #require(result.status == 0, "\(result.standardError)")
        let stored = try ArchiveDatabase(path: database).keyframes()
        #expect(
            stored.map { Oracles.ProbedPacket(pts: $0.pts, dts: $0.dts, position: $0.position, size: $0.size) }
                == (try Oracles.keyPackets(source)))
        #expect(stored.allSatisfy { $0.stats != nil })
    }

    @Test("an HLS playlist over HTTP is followed through its segments")
    func hlsOverHTTP() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .fixed25))
        try ProcessRunner.check(
            "ffmpeg",
            [
                "-nostdin", "-v", "error", "-i", source, "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_list_size", "0",
                directory.appendingPathComponent("live.m3u8").path,
            ])
        let server = try HTTPFileServer(directory: directory.path)
        var keyframes: [ScannedKeyframe] = []
        var options = ScanOptions()
        options.analyze = false
        _ = try KeyframeScanner(source: .url(server.url("live.m3u8")), options: options).run { keyframes.append($0) }
        #expect(keyframes.map(\.packet.pts) == (try Oracles.keyPackets(source)).map(\.pts))
    }

    @Test("a playlist that points at a local file cannot make Skygate read it")
    func hostilePlaylistIsContained() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A real segment on this machine that the playlist tries to reach outside HTTP.
        let local = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .fixed25))
        let playlist = """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:8
            #EXTINF:8.0,
            file://\(local)
            #EXTINF:8.0,
            \(local)
            #EXT-X-ENDLIST

            """
        try playlist.write(to: directory.appendingPathComponent("evil.m3u8"), atomically: true, encoding: .utf8)
        let server = try HTTPFileServer(directory: directory.path)
        // The premise: without a whitelist that shuts out `file`, FFmpeg does read the local segment.
        let unguarded = try ProcessRunner.check(
            "ffprobe",
            [
                "-v", "error", "-protocol_whitelist", "http,tcp,file,hls", "-select_streams", "v:0", "-show_entries",
                "packet=flags",
                "-of", "csv=p=0", server.url("evil.m3u8"),
            ])
        #expect(unguarded.contains("K"), "the playlist should reach the local file when nothing stops it")
        var options = ScanOptions()
        options.analyze = false
        options.demux.openTimeout = 5
        var keyframes = 0
        do {
            _ = try KeyframeScanner(source: .url(server.url("evil.m3u8")), options: options).run { _ in keyframes += 1 }
        } catch let error as MediaError {
            #expect([.openFailed, .invalidData, .refusedURL, .noVideoStream, .readFailed].contains(error.code), "\(error)")
        }
        #expect(keyframes == 0, "the local segment was read through the playlist")
    }
}
