import Foundation
import MediaIO
import TestSupport
import Testing

@testable import GB28181

/// Live video as a GB/T 28181 device sends it (PS over RTP, made by tools/gb-device/ps-rtp-sender.py from clips the
/// ffmpeg CLI encodes) through the receiver and `GBPacketSource`, judged by ffprobe's reading of the same clips.
@Suite("PS over RTP into packets")
struct PSOverRTPTests {
    static func clip(hevc: Bool, size: String = "320x240") throws -> String {
        try MediaCorpus.annexBClip(hevc: hevc, size: size)
    }

    /// ffprobe's packets of a clip: size and keyframe flag, in order.
    static func probe(_ path: String) throws -> [(size: Int, key: Bool)] {
        try ProcessRunner.check(
            "ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "packet=size,flags", "-of", "csv=p=0", path]
        )
        .split(separator: "\n").map { line in
            let fields = line.split(separator: ",")
            return (Int(fields[0]) ?? -1, fields.count > 1 && fields[1].hasPrefix("K"))
        }
    }

    /// FFmpeg's MD5 of every decoded picture of a file (framemd5, timestamps left out).
    static func decodedFrames(of path: String) throws -> [String] {
        try ProcessRunner.check("ffmpeg", ["-nostdin", "-v", "error", "-i", path, "-f", "framemd5", "-"])
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: ",").last.map(String.init) }
    }

    /// The same for access units received, written out as an elementary stream.
    static func decodedFrames(_ units: [[UInt8]], hevc: Bool) throws -> [String] {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("skygate-received-\(UUID().uuidString).\(hevc ? "hevc" : "h264")").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(units.joined()).write(to: URL(fileURLWithPath: file))
        return try decodedFrames(of: file)
    }

    struct Received {
        var units: [[UInt8]] = []
        var keys: [Bool] = []
        var pts: [Int64] = []
        var dts: [Int64] = []
        var counters: RTPVideoReceiver.Counters
        var zeroLength: Int
        var codec: String
        /// The sender's report: frames, keyframes, packets sent and dropped.
        var sent: [String: Int] = [:]
    }

    /// Sends `clip` with the sender's `options` to a fresh receiver and reads packets until the stream goes quiet.
    static func receive(_ clip: String, overTCP: Bool, hevc: Bool, options: [String] = []) throws -> Received {
        let ssrc: UInt32 = 100_000_001
        let receiver = try RTPVideoReceiver(host: "127.0.0.1", overTCP: overTCP, ssrc: ssrc)
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-ps-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let sender = try BackgroundProgram(
            MediaCorpus.packageRoot.appendingPathComponent("tools/gb-device/ps-rtp-sender.py").path,
            [clip, "127.0.0.1", "\(receiver.port)", "--ssrc", "\(ssrc)", "--speed", "4"] + (overTCP ? ["--tcp"] : [])
                + (hevc ? ["--hevc"] : []) + options, log: log)
        let source = try GBPacketSource(
            name: "test channel", receiver: receiver, openTimeout: 10, readTimeout: 1.5, interrupt: InterruptFlag(),
            onClose: {})
        defer { source.close() }
        var received = Received(counters: .init(), zeroLength: 0, codec: "")
        let packet = MediaPacket()
        while (try? source.read(into: packet)) == true {
            received.units.append(packet.payload)
            received.keys.append(packet.isKeyframe)
            received.pts.append(packet.pts ?? -1)
            received.dts.append(packet.dts ?? -1)
        }
        while sender.status == nil { Thread.sleep(forTimeInterval: 0.1) }
        let report = try String(contentsOfFile: log, encoding: .utf8)
        received.sent = (try? JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Int]) ?? [:]
        received.counters = source.counters
        received.zeroLength = source.zeroLengthPackets
        received.codec = source.codec.name
        return received
    }

    @Test(
        "H.264 and H.265 over UDP and TCP: every access unit as ffprobe reads the clip, keyframes flagged, 90 kHz PTS",
        arguments: [(false, false), (false, true), (true, false)])
    func wholeStream(hevc: Bool, overTCP: Bool) throws {
        let clip = try Self.clip(hevc: hevc)
        let expected = try Self.probe(clip)
        #expect(expected.count == 100)
        let received = try Self.receive(clip, overTCP: overTCP, hevc: hevc)
        #expect(try Self.decodedFrames(received.units, hevc: hevc) == Self.decodedFrames(of: clip), "pictures differ")
        #expect(received.keys == expected.map(\.key))
        #expect(received.pts == (0..<100).map { 90_000 + Int64($0) * 3600 })
        #expect(received.codec == (hevc ? "hevc" : "h264"))
        #expect(received.counters.lost == 0 && received.counters.framesDropped == 0, "\(received.counters)")
    }

    @Test("a video PES declared with length zero (Hikvision) is read to the next start code, and counted")
    func zeroLengthPES() throws {
        let clip = try Self.clip(hevc: false)
        let expected = try Self.probe(clip)
        let received = try Self.receive(clip, overTCP: false, hevc: false, options: ["--zero-length-pes"])
        #expect(received.units.count == expected.count)
        #expect(try Self.decodedFrames(received.units, hevc: false) == Self.decodedFrames(of: clip), "pictures differ")
        #expect(received.zeroLength == 100)
    }

    /// GB28181.md: FFmpeg fed raw RTP payloads at 1 % loss passed corrupt frames and packets without timestamps.
    @Test("at 1 % packet loss only whole frames come through, from a keyframe on: FFmpeg decodes them without an error")
    func lossLeavesOnlyDecodableFrames() throws {
        // 720p, so that 1 % of its ~1,500 RTP packets is a dozen losses.
        let clip = try Self.clip(hevc: false, size: "1280x720")
        let original = try Self.receive(clip, overTCP: false, hevc: false)
        let lossy = try Self.receive(clip, overTCP: false, hevc: false, options: ["--loss", "0.01", "--seed", "7"])
        #expect((lossy.sent["dropped"] ?? 0) > 0, "the sender dropped nothing: \(lossy.sent)")
        #expect(lossy.counters.lost > 0 && lossy.counters.framesDropped > 0, "\(lossy.counters)")
        #expect(!lossy.units.isEmpty && lossy.units.count < original.units.count)
        for (unit, pts) in zip(lossy.units, lossy.pts) {
            let index = Int((pts - 90_000) / 3600)
            #expect(original.units.indices.contains(index) && original.units[index] == unit, "frame \(index) altered")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-lossy-\(UUID().uuidString).h264").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(lossy.units.joined()).write(to: URL(fileURLWithPath: file))
        let decoded = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-i", file, "-f", "null", "-"])
        #expect(decoded.status == 0 && decoded.standardError.isEmpty, "\(decoded.standardError)")
    }

    /// A device's BYE closes the receiver: the worker's read must end at once (and the worker reconnect with its
    /// backoff), not wait out the read deadline.
    @Test("a session the device ends stops the reading at once")
    func deviceEndsTheSession() throws {
        let clip = try Self.clip(hevc: false)
        let receiver = try RTPVideoReceiver(host: "127.0.0.1", overTCP: false, ssrc: 7)
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-bye-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let sender = try BackgroundProgram(
            MediaCorpus.packageRoot.appendingPathComponent("tools/gb-device/ps-rtp-sender.py").path,
            [clip, "127.0.0.1", "\(receiver.port)", "--ssrc", "7"], log: log)
        defer { _ = sender.stop(signal: SIGKILL) }
        let source = try GBPacketSource(
            name: "test channel", receiver: receiver, openTimeout: 10, readTimeout: 10, interrupt: InterruptFlag(),
            onClose: {})
        let packet = MediaPacket()
        #expect(try source.read(into: packet))
        receiver.close()  // what the device's BYE does
        let clock = ContinuousClock.now
        var ended: (any Error)? = nil
        do { while try source.read(into: packet) {} } catch { ended = error }
        #expect((ended as? MediaError)?.code == .readFailed, "\(String(describing: ended))")
        #expect(ContinuousClock.now - clock < .seconds(2))
    }

    /// A stream with B-frames: the device writes both PTS and DTS in the PES header (the sender takes them from
    /// ffprobe's reading of the MP4 the stream was cut from), and they come through as FFmpeg read them.
    @Test("B-frames: each packet carries the PTS and DTS ffprobe reads from the source, in 90 kHz")
    func presentationAndDecodingTimes() throws {
        let mp4 = try MediaCorpus.file(
            "gb-clip-bframes",
            [
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "2", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-g",
                "25", "-bf", "2",
            ],
            extension: "mp4")
        let stream = try MediaCorpus.cached("gb-clip-bframes-es", key: mp4, extension: "h264") { output in
            try ProcessRunner.check(
                "ffmpeg",
                [
                    "-nostdin", "-v", "error", "-y", "-i", mp4, "-c", "copy", "-bsf:v",
                    "h264_mp4toannexb,h264_metadata=aud=insert",
                    "-f", "h264", output,
                ])
        }
        let times = try ProcessRunner.check(
            "ffprobe",
            ["-v", "error", "-select_streams", "v", "-show_entries", "packet=pts_time,dts_time", "-of", "csv=p=0", mp4])
        let stamps = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-times-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: stamps) }
        try times.write(toFile: stamps, atomically: true, encoding: .utf8)
        let pairs = times.split(separator: "\n").map { $0.split(separator: ",").map { Double($0) ?? .nan } }
        let first = try #require(pairs.first?[1])
        let ticks = { (seconds: Double) in 90_000 + Int64(((seconds - first) * 90_000).rounded()) }
        #expect(pairs.contains { $0[0] != $0[1] }, "the clip has no B-frames")

        let received = try Self.receive(stream, overTCP: false, hevc: false, options: ["--timestamps", stamps])
        #expect(received.pts == pairs.map { ticks($0[0]) })
        #expect(received.dts == pairs.map { ticks($0[1]) })
        #expect(try Self.decodedFrames(received.units, hevc: false) == Self.decodedFrames(of: stream))
    }
}
