import Foundation
import MediaIO
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Deadlines and refusals")
struct DemuxerDeadlineTests {
    @Test("a camera that accepts and never answers is given up at the open deadline")
    func silentCameraTimesOut() throws {
        let listener = try SilentListener()
        var options = DemuxOptions()
        options.openTimeout = 1
        options.readTimeout = 1
        let started = ContinuousClock.now
        #expect {
            _ = try Demuxer(source: .url("rtsp://127.0.0.1:\(listener.port)/stream"), options: options)
        } throws: { error in
            (error as? MediaError)?.code == .timeout
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(900) && elapsed < .milliseconds(2500), "gave up after \(elapsed)")
    }

    @Test("abort from another thread ends a blocked open promptly")
    func abortEndsOpen() throws {
        let listener = try SilentListener()
        var options = DemuxOptions()
        options.openTimeout = 30
        let interrupt = InterruptFlag()
        let started = ContinuousClock.now
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.3)
            interrupt.abort()
        }
        #expect {
            _ = try Demuxer(source: .url("rtsp://127.0.0.1:\(listener.port)/stream"), options: options, interrupt: interrupt)
        } throws: { error in
            (error as? MediaError)?.code == .aborted
        }
        #expect(ContinuousClock.now - started < .seconds(1.5))
    }

    @Test("a refused URL never reaches FFmpeg")
    func refusedBeforeOpening() {
        #expect {
            _ = try Demuxer(source: .url("file:/etc/hostname"))
        } throws: { error in
            (error as? MediaError)?.code == .refusedURL
        }
    }

    @Test("a local file named like a protocol is opened as a file, not as that protocol")
    func pathLooksLikeProtocol() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("concat:x").path
        try Data("not media".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try Demuxer(source: .file(path: path))
        } throws: { error in
            (error as? MediaError)?.code == .invalidData
        }
    }
}
