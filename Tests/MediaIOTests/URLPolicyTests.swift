import MediaIO
import Redaction
import Testing

@Suite("URL policy")
struct URLPolicyTests {
    @Test(
        "local and stacking schemes are refused, in any case",
        arguments: [
            "file:/etc/passwd", "file:///etc/passwd", "FILE:/etc/passwd", "concat:/a.ts|/b.ts",
            "subfile:,start,0,end,10,:/etc/passwd",
            "data:video/mp4;base64,AAAA", "pipe:0", "fd:3", "unix:/tmp/socket", "crypto:/etc/passwd", "async:file:/etc/passwd",
            "Concat:/a|/b", "gopher://host/x", "tcp://127.0.0.1:9",
        ])
    func refusedSchemes(_ url: String) {
        #expect(throws: MediaError.self) { try URLPolicy.default.check(url) }
        do {
            try URLPolicy.default.check(url)
        } catch let error as MediaError {
            #expect(error.code == .refusedURL)
            #expect(error.message.contains("refused"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("control characters are refused (no header injection through RTSP/HTTP)")
    func controlCharacters() {
        for url in ["rtsp://cam/x\r\nInjected: 1", "http://cam/x\n", "rtsp://cam/\u{0}x"] {
            #expect(throws: MediaError.self) { try URLPolicy.default.check(url) }
        }
    }

    @Test(
        "camera schemes are allowed",
        arguments: [
            "rtsp://10.0.0.1/ch1", "RTSP://cam:554/x", "rtsps://cam/x", "rtmp://cam/live", "http://cam/x.m3u8",
            "https://cam/x.flv",
            "srt://cam:9000", "udp://239.0.0.1:1234",
        ])
    func allowedSchemes(_ url: String) throws {
        #expect(try URLPolicy.default.check(url) == String(url.prefix { $0 != ":" }).lowercased())
    }

    @Test("credentials are redacted from URLs, and nothing else is touched")
    func redaction() {
        #expect(URLRedaction.redacting("rtsp://admin:s3cret@10.0.0.1:554/ch1") == "rtsp://***@10.0.0.1:554/ch1")
        #expect(URLRedaction.redacting("rtsp://user@cam/x?a=b@c") == "rtsp://***@cam/x?a=b@c")
        #expect(URLRedaction.redacting("rtsp://cam/x") == "rtsp://cam/x")
        // A media capability in a playback URL, absolute or in free text.
        #expect(
            URLRedaction.redacting("http://127.0.0.1:8080/play/Y2FtZXJh.bWFj-_x/index.m3u8")
                == "http://127.0.0.1:8080/play/***/index.m3u8")
        #expect(
            URLRedaction.redacting(inText: "GET /play/Y2FtZXJh.bWFj/1-000001.ts failed")
                == "GET /play/***/1-000001.ts failed")
        #expect(MediaSource.url("rtsp://a:b@cam/x").redacted == "rtsp://***@cam/x")
    }

    @Test("credentials are redacted wherever URLs appear in free text")
    func redactionInText() {
        let line =
            "[tcp @ 0x1] Connection to tcp://admin:pw@10.0.0.1:554?timeout=0 failed; also rtsp://u:p@cam/x and mail@example"
        #expect(
            URLRedaction.redacting(inText: line)
                == "[tcp @ 0x1] Connection to tcp://***@10.0.0.1:554?timeout=0 failed; also rtsp://***@cam/x and mail@example")
    }

    /// Issue 13, item 7: secrets outside the user information were shown to viewers.
    @Test(
        "secret query parameters and RTMP stream keys are redacted like credentials",
        arguments: [
            (
                "srt://10.0.0.5:9000?mode=caller&passphrase=0123456789ab&latency=200",
                "srt://10.0.0.5:9000?mode=caller&passphrase=***&latency=200"
            ),
            ("https://cdn.example/live/cam.m3u8?Token=abc&expires=1", "https://cdn.example/live/cam.m3u8?Token=***&expires=1"),
            ("rtmp://10.0.0.9/live/sk-4f2a9c", "rtmp://10.0.0.9/live/***"),
            ("rtmps://u:p@10.0.0.9:443/app/key/more?x=1", "rtmps://***@10.0.0.9:443/app/***?x=1"),
            ("rtmp://10.0.0.9/live", "rtmp://10.0.0.9/live"),
            (
                "rtsp://cam/Streaming/Channels/101?transportmode=unicast",
                "rtsp://cam/Streaming/Channels/101?transportmode=unicast"
            ),
            ("http://cam/video.cgi?user=admin&pwd=x#frag", "http://cam/video.cgi?user=admin&pwd=***#frag"),
        ])
    func secretParameters(url: String, shown: String) {
        #expect(URLRedaction.redacting(url) == shown)
        #expect(URLRedaction.redacting(inText: "open '\(url)' failed") == "open '\(shown)' failed")
        #expect(MediaSource.url(url).redacted == shown)
    }

    @Test("an argument is a URL only when it starts with a scheme")
    func argumentsAreClassified() {
        #expect(MediaSource(argument: "rtsp://cam/x") == .url("rtsp://cam/x"))
        #expect(MediaSource(argument: "concat:a|b") == .url("concat:a|b"))
        #expect(MediaSource(argument: "./concat:a") == .file(path: "./concat:a"))
        #expect(MediaSource(argument: "/srv/clip.mp4") == .file(path: "/srv/clip.mp4"))
    }

    @Test("the refusal error never shows a password")
    func refusalRedacts() {
        do {
            try URLPolicy.default.check("ftp://admin:hunter2@cam/x")
            Issue.record("ftp was accepted")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }
}
