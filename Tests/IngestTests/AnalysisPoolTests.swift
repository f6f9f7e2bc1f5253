import Foundation
import Ingest
import MediaIO
import Synchronization
import TestSupport
import Testing

@Suite("Live keyframe analysis")
struct AnalysisPoolTests {
    /// The key packets of a file as a camera worker hands them over: payload and codec, by value.
    static func keyPayloads(_ path: String) throws -> (StreamCodec, [[UInt8]]) {
        let demuxer = try Demuxer(source: .file(path: path))
        let packet = MediaPacket()
        var payloads: [[UInt8]] = []
        while try demuxer.readVideoPacket(into: packet) {
            if packet.isKeyframe { payloads.append(packet.payload) }
        }
        return (demuxer.videoCodec, payloads)
    }

    final class Results: Sendable {
        let items = Mutex<[Date: FrameStats]>([:])
    }

    @Test(
        "the pool's statistics equal the file pipeline's for the same keyframes (H.264 and HEVC)",
        arguments: [Fixtures.Codec.h264, .hevc])
    func matchesFilePipeline(codec: Fixtures.Codec) throws {
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: codec, container: .ts, gop: .sceneCuts))
        var expected: [FrameStats] = []
        _ = try KeyframeScanner(source: .file(path: path)).run { expected.append($0.stats!) }
        let (streamCodec, payloads) = try Self.keyPayloads(path)
        #expect(payloads.count == expected.count)

        let results = Results()
        let pool = AnalysisPool(threads: 2, queueDepth: payloads.count) { analysed in
            results.items.withLock { $0[analysed.wallClock] = analysed.stats }
        }
        defer { pool.stop() }
        let t0 = Date(timeIntervalSince1970: 0)
        for (number, payload) in payloads.enumerated() {
            pool.offer(
                camera: "c", codec: streamCodec, wallClock: t0.addingTimeInterval(Double(number)), payload: payload,
                afterLoss: false)
        }
        let deadline = Date().addingTimeInterval(30)
        while results.items.withLock({ $0.count }) < payloads.count && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let got = results.items.withLock { $0 }
        for (number, stats) in expected.enumerated() {
            #expect(got[t0.addingTimeInterval(Double(number))] == stats, "keyframe \(number)")
        }
        #expect(pool.snapshot["c"] == AnalysisCounts(offered: payloads.count, analysed: payloads.count, skipped: 0, failed: 0))
    }

    @Test("when analysis falls behind, keyframes are skipped and counted, never waited for")
    func skipsWhenBehind() throws {
        let (codec, payloads) = try Self.keyPayloads(try Fixtures.sceneCutClip())
        let pool = AnalysisPool(threads: 1, queueDepth: 1) { _ in }
        defer { pool.stop() }
        let started = ContinuousClock.now
        for round in 0..<5 {
            for (number, payload) in payloads.enumerated() {
                pool.offer(
                    camera: "busy", codec: codec, wallClock: Date(timeIntervalSince1970: Double(round * 1000 + number)),
                    payload: payload, afterLoss: false)
            }
        }
        // Offering never blocks: 5 × the clip's keyframes are handed over far faster than one thread decodes them.
        #expect(ContinuousClock.now - started < .milliseconds(200))
        let deadline = Date().addingTimeInterval(30)
        func settled() -> Bool {
            let counts = pool.snapshot["busy"]!
            return counts.analysed + counts.skipped + counts.failed == counts.offered
        }
        while !settled() && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let counts = pool.snapshot["busy"]!
        #expect(counts.offered == payloads.count * 5)
        #expect(counts.skipped > 0 && counts.analysed > 0 && counts.failed == 0, "\(counts)")
        #expect(settled())
    }

    final class Order: Sendable {
        let cameras = Mutex<[String]>([])
    }

    @Test("more keyframes than one lane decodes: every camera is analysed once before any camera twice")
    func fairUnderLoad() throws {
        let (codec, payloads) = try Self.keyPayloads(try Fixtures.sceneCutClip())
        let order = Order()
        let pool = AnalysisPool(threads: 1) { analysed in order.cameras.withLock { $0.append(analysed.camera) } }
        defer { pool.stop() }
        let cameras = (0..<12).map { "cam\($0)" }
        // Three keyframes of every camera, offered far faster than one lane decodes them, the first cameras first.
        for round in 0..<3 {
            for camera in cameras {
                pool.offer(
                    camera: camera, codec: codec, wallClock: Date(timeIntervalSince1970: Double(round)),
                    payload: payloads[round % payloads.count], afterLoss: false)
            }
        }
        let deadline = Date().addingTimeInterval(30)
        func settled() -> Bool {
            pool.snapshot.values.allSatisfy { $0.analysed + $0.skipped + $0.failed == $0.offered }
                && pool.snapshot.count == cameras.count
        }
        while !settled() && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let analysed = order.cameras.withLock { $0 }
        #expect(Set(analysed.prefix(cameras.count)) == Set(cameras), "first pass: \(analysed)")
        #expect(analysed.count >= cameras.count && analysed.count <= 2 * cameras.count, "\(analysed.count) analysed")
    }

    final class Thumbnails: Sendable {
        let items = Mutex<[Date: Data]>([:])
        let analysed = Mutex(0)
    }

    @Test("with a thumbnail interval, one keyframe per interval also comes out as a small JPEG (ffprobe reads it)")
    func thumbnails() throws {
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .sceneCuts))
        let (codec, payloads) = try Self.keyPayloads(path)
        let results = Thumbnails()
        let pool = AnalysisPool(threads: 1, queueDepth: payloads.count, thumbnailInterval: 3) { analysed in
            results.analysed.withLock { $0 += 1 }
            if let jpeg = analysed.thumbnail { results.items.withLock { $0[analysed.wallClock] = jpeg } }
        }
        defer { pool.stop() }
        // One keyframe a second of wall clock: thumbnails at 0, 3, 6, … seconds.
        let t0 = Date(timeIntervalSince1970: 1_796_000_000)
        for (number, payload) in payloads.enumerated() {
            pool.offer(
                camera: "c", codec: codec, wallClock: t0.addingTimeInterval(Double(number)), payload: payload, afterLoss: false)
        }
        let deadline = Date().addingTimeInterval(30)
        while results.analysed.withLock({ $0 }) < payloads.count && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let thumbnails = results.items.withLock { $0 }
        let expected = stride(from: 0, to: payloads.count, by: 3).map { t0.addingTimeInterval(Double($0)) }
        #expect(Set(thumbnails.keys) == Set(expected), "\(thumbnails.keys.sorted())")
        let sourceWidth = try ProcessRunner.check(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width", "-of", "csv=p=0", path])
        // ffprobe lists a TS file's stream once per program it is in: the first line is the width.
        let width = min(SnapshotEncoder.thumbnailWidth, sourceWidth.split(separator: "\n").first.flatMap { Int($0) } ?? 0)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("thumbnail-\(UUID().uuidString).jpg")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (time, jpeg) in thumbnails {
            #expect(jpeg.count < 64_000, "\(jpeg.count) bytes")
            try jpeg.write(to: scratch)
            let probe = try ProcessRunner.check(
                "ffprobe",
                ["-v", "error", "-show_entries", "stream=codec_name,width", "-of", "csv=p=0", scratch.path])
            #expect(probe.trimmingCharacters(in: .whitespacesAndNewlines) == "mjpeg,\(width & ~1)", "\(time)")
        }
    }
}

/// Issue 17, picture corruption (花屏): damage in a keyframe's own bitstream is the camera's; after a transport loss
/// it is not judged.
@Suite("Concealed damage in live keyframes")
struct ConcealedDamageTests {
    @Test("the damaged keyframes of the corrupt clip come out concealed, unless packets were lost before them")
    func concealedUnlessAfterLoss() throws {
        let path = try Fixtures.makeMediaClip("corrupt")
        // The oracle: FFmpeg's own decoder reports the damage as it conceals it.
        let log = try ProcessRunner.run(
            "ffmpeg", ["-nostdin", "-v", "error", "-skip_frame", "nokey", "-i", path, "-f", "null", "-"])
        #expect(log.standardError.contains("error while decoding MB"), "\(log.standardError.prefix(300))")
        var scanned: [(seconds: Double, concealed: Bool?)] = []
        _ = try KeyframeScanner(source: .file(path: path)).run { scanned.append(($0.packet.seconds ?? -1, $0.stats?.concealed)) }
        let damaged = scanned.filter { $0.seconds >= 30 && $0.seconds < 90 }
        #expect(damaged.count == 60 && damaged.allSatisfy { $0.concealed == true }, "\(damaged.filter { $0.concealed != true })")
        #expect(scanned.filter { $0.seconds < 30 || $0.seconds >= 90 }.allSatisfy { $0.concealed == false })

        let (codec, payloads) = try AnalysisPoolTests.keyPayloads(path)
        let results = AnalysisPoolTests.Results()
        let pool = AnalysisPool(threads: 1, queueDepth: 4) { analysed in
            results.items.withLock { $0[analysed.wallClock] = analysed.stats }
        }
        defer { pool.stop() }
        let t0 = Date(timeIntervalSince1970: 0)
        // Keyframe 40 (t = 40 s, damaged) twice: as the camera sent it, and after a loss on the way.
        pool.offer(camera: "a", codec: codec, wallClock: t0, payload: payloads[40], afterLoss: false)
        pool.offer(camera: "b", codec: codec, wallClock: t0 + 1, payload: payloads[40], afterLoss: true)
        let deadline = Date().addingTimeInterval(30)
        while results.items.withLock({ $0.count }) < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let got = results.items.withLock { $0 }
        #expect(got[t0]?.concealed == true)
        #expect(got[t0 + 1] != nil && got[t0 + 1]?.concealed == nil)
    }
}
