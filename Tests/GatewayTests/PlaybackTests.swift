import Access
import Archive
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MediaIO
import TestSupport
import Testing

/// Playback from the keyframe index: playlists of byte ranges, served with `Range`, behind a short-lived capability.
@Suite("Playback over HLS")
struct PlaybackTests {
    struct Grant: Decodable {
        var playlist: String
        var expiresAt: String
    }

    static let python = MediaCorpus.packageRoot.appendingPathComponent(".build/python/bin/python").path

    /// The playlist as the `m3u8` parser from PyPI reads it: (duration, length, offset, uri) per segment, and whether
    /// it ends. A byte range without `@offset` begins after the previous range of the same file (RFC 8216, 4.3.2.2).
    static func parsed(_ playlist: String, scratch: String) throws -> (segments: [[String]], ended: Bool) {
        let path = scratch + "/playlist.m3u8"
        try playlist.write(toFile: path, atomically: true, encoding: .utf8)
        let script = """
            import m3u8, sys
            playlist = m3u8.load(sys.argv[1])
            previous = (None, 0)
            for segment in playlist.segments:
                length, _, offset = segment.byterange.partition("@")
                if not offset:
                    assert previous[0] == segment.uri, f"no offset after another file: {segment.uri}"
                    offset = previous[1]
                previous = (segment.uri, int(offset) + int(length))
                print(segment.duration, length, offset, segment.uri, sep=",")
            print("ENDLIST" if playlist.is_endlist else "OPEN")
            """
        let lines = try ProcessRunner.check(python, ["-c", script, path]).split(separator: "\n").map(String.init)
        return (lines.dropLast().map { $0.split(separator: ",").map(String.init) }, lines.last == "ENDLIST")
    }

    @Test("a playlist of byte ranges that each decode alone from a keyframe; Range answered with 206; m3u8 reads it")
    func recordedPlaylist() async throws {
        let fixture = try GatewayFixture()
        let scratch = fixture.directory + "/playback"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let camera = GatewayFixture.camera
        let from = TimeText.format(fixture.keyframeTimes[0].addingTimeInterval(0.5))
        try await fixture.application.test(.router) { client in
            let minted = try await client.execute(
                uri: "/api/cameras/\(camera)/playback?from=\(from)&to=\(TimeText.format(fixture.keyframeTimes.last!))",
                method: .post, headers: fixture.headers(.operator))
            #expect(minted.status == .created, "\(minted.text)")
            let grant = try JSONDecoder().decode(Grant.self, from: Data(minted.text.utf8))
            for token in fixture.tokens.values { #expect(!grant.playlist.contains(token)) }
            // No bearer header: the capability in the path is the permission.
            let playlist = try await client.execute(uri: grant.playlist, method: .get)
            #expect(playlist.status == .ok && playlist.headers[.contentType] == "application/vnd.apple.mpegurl")
            let (segments, ended) = try Self.parsed(playlist.text, scratch: scratch)
            #expect(ended)
            // Six keyframes; the first asked for half a second after the first keyframe plays from it; the last,
            // whose GOP has no following keyframe yet, is not listed.
            #expect(segments.count == fixture.keyframeTimes.count - 1, "\(playlist.text)")
            var frames = 0
            for (number, segment) in segments.enumerated() {
                let (length, offset) = (Int(segment[1])!, Int(segment[2])!)
                #expect(abs(Double(segment[0])! - 2) < 0.05, "GOP of 2 s: \(segment)")
                let base = grant.playlist.replacingOccurrences(of: "index.m3u8", with: "")
                let piece = try await client.execute(
                    uri: base + segment[3], method: .get, headers: [.range: "bytes=\(offset)-\(offset + length - 1)"])
                #expect(piece.status == .partialContent && piece.body.readableBytes == length, "\(piece.status)")
                let file = scratch + "/range-\(number).ts"
                try Data(piece.body.readableBytesView).write(to: URL(fileURLWithPath: file))
                let flags = try ProcessRunner.check(
                    "ffprobe",
                    ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0", file]
                ).split(separator: "\n")
                #expect(flags.first?.hasPrefix("K") == true, "range \(number) starts with \(flags.first ?? "nothing")")
                frames += flags.count
                let decoded = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-i", file, "-f", "null", "-"])
                #expect(decoded.status == 0 && decoded.standardError.isEmpty, "range \(number): \(decoded.standardError)")
            }
            #expect(frames == 50 * segments.count, "\(frames) frames in \(segments.count) GOPs of 50")
        }
        #expect(try fixture.audit().filter { $0.action == "playback" }.map(\.target) == [camera])
    }

    @Test("a live playlist names each GOP as a resource of its own, which decodes alone and answers Range")
    func livePlaylist() async throws {
        let fixture = try GatewayFixture()
        let scratch = fixture.directory + "/live"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let file = try Data(contentsOf: URL(fileURLWithPath: fixture.segment))
        try await fixture.application.test(.router) { client in
            let minted = try await client.execute(
                uri: "/api/cameras/\(GatewayFixture.camera)/playback?live=true", method: .post,
                headers: fixture.headers(.operator))
            #expect(minted.status == .created, "\(minted.text)")
            let grant = try JSONDecoder().decode(Grant.self, from: Data(minted.text.utf8))
            #expect(grant.playlist.hasSuffix("/live.m3u8"))
            let playlist = try await client.execute(uri: grant.playlist, method: .get)
            #expect(playlist.text.contains("#EXT-X-PLAYLIST-TYPE:EVENT") && !playlist.text.contains("BYTERANGE"))
            let path = scratch + "/live.m3u8"
            try playlist.text.write(toFile: path, atomically: true, encoding: .utf8)
            let uris = try ProcessRunner.check(
                Self.python,
                [
                    "-c",
                    "import m3u8, sys; p = m3u8.load(sys.argv[1]); assert not p.is_endlist; print(*[s.uri for s in p.segments], sep='\\n')",
                    path,
                ]
            ).split(separator: "\n").map(String.init)
            // Live starts three whole GOPs behind the newest keyframe (the newest has no end yet, so gives no entry):
            // the fewest Chromium starts, and then it starts at the first, whose wall time the dashboard shows.
            #expect(uris.count == 3, "\(playlist.text)")
            let fourthNewest = fixture.keyframeTimes.sorted().dropLast(3).last.map(TimeText.format)
            #expect(fourthNewest.map { playlist.text.contains("#EXT-X-PROGRAM-DATE-TIME:\($0)\n") } == true)
            let base = grant.playlist.replacingOccurrences(of: "live.m3u8", with: "")
            for (number, uri) in uris.enumerated() {
                let bounds = uri.split(separator: "/")[0].split(separator: "-").compactMap { Int($0) }
                #expect(bounds.count == 2 && uri.hasSuffix("/0001.ts"), "\(uri)")
                guard bounds.count == 2 else { continue }
                let gop = try await client.execute(uri: base + uri, method: .get)
                #expect(gop.status == .ok && gop.headers[.contentType] == "video/mp2t")
                #expect(Data(gop.body.readableBytesView) == file[bounds[0]..<(bounds[0] + bounds[1])], "GOP \(number)")
                let piece = scratch + "/gop-\(number).ts"
                try Data(gop.body.readableBytesView).write(to: URL(fileURLWithPath: piece))
                let flags = try ProcessRunner.check(
                    "ffprobe",
                    ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0", piece])
                #expect(flags.hasPrefix("K"), "GOP \(number) starts with \(flags.prefix(3))")
                let decoded = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-i", piece, "-f", "null", "-"])
                #expect(decoded.status == 0 && decoded.standardError.isEmpty, "GOP \(number): \(decoded.standardError)")
                let part = try await client.execute(uri: base + uri, method: .get, headers: [.range: "bytes=188-"])
                #expect(part.status == .partialContent && part.body.readableBytes == bounds[1] - 188)
                #expect(part.headers[.contentRange] == "bytes 188-\(bounds[1] - 1)/\(bounds[1])")
                let outside = try await client.execute(
                    uri: base + uri, method: .get, headers: [.range: "bytes=\(bounds[1])-"])
                #expect(outside.status == .rangeNotSatisfiable)
            }
            // A GOP's keyframe as a JPEG (the keyframe view of a camera the browser cannot play): ffprobe reads one
            // picture of the recording's size; none past the file's end.
            let first = try #require(uris.first)
            let picture = try await client.execute(uri: base + first.replacingOccurrences(of: ".ts", with: ".jpg"), method: .get)
            #expect(picture.status == .ok && picture.headers[.contentType] == "image/jpeg", "\(picture.status)")
            try Data(picture.body.readableBytesView).write(to: URL(fileURLWithPath: scratch + "/keyframe.jpg"))
            let probed = try ProcessRunner.check(
                "ffprobe",
                ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", scratch + "/keyframe.jpg"])
            let recorded = try ProcessRunner.check(
                "ffprobe",
                [
                    "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0",
                    fixture.segment,
                ])
            // (ffprobe lists a TS stream once per program as well: the first line is the stream's.)
            let size = recorded.split(separator: "\n").first.map(String.init) ?? ""
            #expect(probed.trimmingCharacters(in: .whitespacesAndNewlines) == "mjpeg," + size, "\(probed) against \(recorded)")
            let pastEnd = try await client.execute(uri: base + "\(file.count)-188/0001.jpg", method: .get)
            #expect(pastEnd.status == .notFound, "\(pastEnd.status)")
            // Bytes the segment does not hold, and a name that is no segment's.
            let beyond = try await client.execute(uri: base + "\(file.count)-188/0001.ts", method: .get)
            #expect(beyond.status == .notFound, "\(beyond.status)")
            // An offset no file has, and one that does not fit a file offset at all: answered, never a crash.
            let far = try await client.execute(uri: base + "9223372036854775807-188/0001.ts", method: .get)
            #expect(far.status == .notFound, "\(far.status)")
            let huge = try await client.execute(uri: base + "18446744073709551615-1/0001.ts", method: .get)
            #expect(huge.status == .badRequest, "\(huge.status)")
            let other = try await client.execute(uri: base + "0-188/0002.ts", method: .get)
            #expect(other.status == .forbidden, "\(other.status)")
        }
    }

    @Test("a media URL fails (403) when forged, after its expiry, for another camera's segment, and outside its range")
    func capabilityLimits() async throws {
        let fixture = try GatewayFixture()
        let camera = GatewayFixture.camera
        let times = fixture.keyframeTimes
        let key = fixture.services.access.mediaCapabilityKey
        let segment = (fixture.segment as NSString).lastPathComponent
        let valid = MediaCapability(camera: camera, from: times[0], to: times[5], expires: times[5].addingTimeInterval(600))
        let token = valid.token(signedWith: key)
        var forged = Array(token)
        forged[3] = forged[3] == "A" ? "B" : "A"
        let cases: [(String, String, HTTPResponse.Status)] = [
            ("valid", "/play/\(token)/\(segment)", .ok),
            ("forged", "/play/\(String(forged))/\(segment)", .forbidden),
            (
                "another camera",
                "/play/\(MediaCapability(camera: "33019900001320000002", from: times[0], to: times[5], expires: times[5] + 600).token(signedWith: key))/\(segment)",
                .forbidden
            ),
            (
                "outside its range",
                "/play/\(MediaCapability(camera: camera, from: times[5] + 60, to: times[5] + 120, expires: times[5] + 600).token(signedWith: key))/\(segment)",
                .forbidden
            ),
            ("not a segment name", "/play/\(token)/..%2Faccess.sqlite", .badRequest),
        ]
        try await fixture.application.test(.router) { client in
            for (name, uri, status) in cases {
                let answer = try await client.execute(uri: uri, method: .get)
                #expect(answer.status == status, "\(name): \(answer.status) \(answer.text.prefix(200))")
            }
            let playlist = try await client.execute(uri: "/play/\(token)/index.m3u8", method: .get)
            #expect(playlist.status == .ok)
        }
        // Ten minutes and a second later, the same URLs are refused.
        let later = times[5].addingTimeInterval(601)
        fixture.services.now = { later }
        let expired = fixture
        try await expired.application.test(.router) { client in
            for uri in ["/play/\(token)/index.m3u8", "/play/\(token)/\(segment)"] {
                let answer = try await client.execute(uri: uri, method: .get)
                #expect(answer.status == .forbidden && answer.text.contains("expired"), "\(uri): \(answer.text)")
            }
        }
    }
}
