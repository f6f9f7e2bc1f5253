import MediaIO
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
        #expect(URLPolicy.redactingCredentials("rtsp://admin:s3cret@10.0.0.1:554/ch1") == "rtsp://***@10.0.0.1:554/ch1")
        #expect(URLPolicy.redactingCredentials("rtsp://user@cam/x?a=b@c") == "rtsp://***@cam/x?a=b@c")
        #expect(URLPolicy.redactingCredentials("rtsp://cam/x") == "rtsp://cam/x")
        #expect(MediaSource.url("rtsp://a:b@cam/x").redacted == "rtsp://***@cam/x")
    }

    @Test("credentials are redacted wherever URLs appear in free text")
    func redactionInText() {
        let line =
            "[tcp @ 0x1] Connection to tcp://admin:pw@10.0.0.1:554?timeout=0 failed; also rtsp://u:p@cam/x and mail@example"
        #expect(
            URLPolicy.redactingCredentials(inText: line)
                == "[tcp @ 0x1] Connection to tcp://***@10.0.0.1:554?timeout=0 failed; also rtsp://***@cam/x and mail@example")
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
