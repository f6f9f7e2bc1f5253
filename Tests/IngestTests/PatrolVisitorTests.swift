import Archive
import CameraRegistry
import Foundation
import MediaIO
import TestSupport
import Testing

@testable import Ingest

@Suite("Patrol visits", .serialized)
struct PatrolVisitorTests {
    /// 640×360 at 25 fps with a keyframe every `gop` frames, H.264 in MP4 (the simulator streams MP4 clips as they are).
    /// With `declaring`, FFmpeg's `h264_metadata` rewrites the SPS timing to declare that many frames per second.
    static func clip(gop: Int, seconds: Int = 30, declaring declared: Int? = nil) throws -> String {
        try MediaCorpus.file(
            "patrol-\(gop)" + (declared.map { "-declaring-\($0)" } ?? ""),
            [
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=\(seconds)", "-c:v", "libx264", "-preset",
                "ultrafast", "-g", "\(gop)", "-keyint_min", "\(gop)", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p",
            ] + (declared.map { ["-bsf:v", "h264_metadata=tick_rate=\($0 * 2)"] } ?? []), extension: "mp4")
    }

    /// The frame rate a file's H.264 SPS declares (time_scale / 2 num_units_in_tick), as FFmpeg's `trace_headers`
    /// bitstream filter prints the fields; ffprobe's `r_frame_rate` is measured from the timestamps instead.
    static func declaredFrameRate(_ path: String) throws -> Double {
        let trace = try ProcessRunner.run(
            "ffmpeg", ["-hide_banner", "-i", path, "-c", "copy", "-bsf:v", "trace_headers", "-frames:v", "1", "-f", "null", "-"])
        func field(_ name: String) -> Double? {
            trace.standardError.split(separator: "\n").first { $0.contains(" \(name) ") }
                .flatMap { $0.split(separator: "=").last }
                .flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        }
        guard let tick = field("num_units_in_tick"), let scale = field("time_scale") else {
            throw TestSupportError("no SPS timing in \(path)")
        }
        return scale / (2 * tick)
    }

    /// What ffprobe says of a file's video: codec, size, frame rate and the times of its keyframes.
    static func probe(_ path: String) throws -> (codec: String, width: Int, height: Int, rate: Double, keyTimes: [Double]) {
        let stream = try ProcessRunner.check(
            "ffprobe",
            [
                "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,r_frame_rate", "-of",
                "csv=p=0", path,
            ]
        ).split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let rate = stream[3].split(separator: "/").compactMap { Double($0) }
        let keyTimes = try ProcessRunner.check(
            "ffprobe",
            [
                "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0",
                path,
            ]
        ).split(separator: "\n").filter { $0.contains("K") }.compactMap { Double($0.split(separator: ",")[0]) }
        return (stream[0], Int(stream[1])!, Int(stream[2])!, rate[0] / rate[1], keyTimes)
    }

    /// Runs a visit on a thread of its own: it blocks for seconds in FFmpeg, and Swift Testing runs tests on the two
    /// cooperative threads, whose other tests' time measurements it would otherwise delay.
    static func visit(_ visitor: PatrolVisitor, _ camera: String, _ opener: URLSourceOpener) async throws -> PatrolVisit {
        try await onOwnThread("test-visit") { visitor.visit(camera: camera, opener: opener) }
    }

    static func opener(_ url: String, timeout: Double = 5, transport: RTSPTransport? = nil) -> URLSourceOpener {
        var options = DemuxOptions()
        options.openTimeout = timeout
        options.readTimeout = timeout
        return URLSourceOpener(connectionURL: url, options: options, rtspTransport: transport)
    }

    @Test("a visit over RTSP analyses three keyframes and measures what ffprobe says of the clip")
    func conformanceMatchesFFprobe() async throws {
        let path = try Self.clip(gop: 50)
        let expected = try Self.probe(path)
        let simulator = try CameraSimulator(cameras: ["c1"], clips: ["c1": path])
        let visit = try await Self.visit(PatrolVisitor(keyframes: 3, deadline: 15), "c1", Self.opener(simulator.url("c1")))
        #expect(visit.outcome == .ok && visit.keyframes.count == 3, "\(visit)")
        let facts = try #require(visit.stream)
        #expect(facts.codec == expected.codec && facts.width == expected.width && facts.height == expected.height)
        let gops = zip(expected.keyTimes, expected.keyTimes.dropFirst()).map { $1 - $0 }
        let expectedGOP = gops.reduce(0, +) / Double(gops.count)
        #expect(abs((facts.gop ?? 0) - expectedGOP) < 0.05, "GOP \(facts.gop ?? 0) s, ffprobe \(expectedGOP) s")
        #expect(!facts.gopAtLeast)
        #expect(abs((facts.frameRate ?? 0) - expected.rate) < 0.5, "\(facts.frameRate ?? 0) fps, ffprobe \(expected.rate)")
        #expect((facts.bitrate ?? 0) > 0)
        // Two GOPs read: about 4 s of a real-time stream, not the deadline.
        #expect(visit.duration < 8, "\(visit.duration)")
    }

    @Test("a visit reads the frame rate the SPS declares as FFmpeg's trace_headers does: 25 of 25, 25 delivered of 50")
    func declaredFrameRate() async throws {
        for (camera, declaring) in [("plain", nil), ("overstated", 50)] {
            let path = try Self.clip(gop: 25, seconds: 20, declaring: declaring)
            let declared = try Self.declaredFrameRate(path)
            // ffprobe's frame rate is the timestamps': 25 whatever the SPS says.
            let probed = try Self.probe(path).rate
            #expect(declared == Double(declaring ?? 25) && probed == 25)
            let simulator = try CameraSimulator(cameras: [camera], clips: [camera: path])
            let visit = try await Self.visit(
                PatrolVisitor(keyframes: 3, deadline: 15), camera, Self.opener(simulator.url(camera)))
            let facts = try #require(visit.stream)
            #expect(facts.declaredFrameRate == declared, "\(camera): \(facts)")
            #expect(abs((facts.frameRate ?? 0) - 25) < 0.5, "\(camera): \(facts)")
        }
    }

    @Test("a camera clock 90 s ahead is measured so from its RTCP sender reports; one in step reads about 0")
    func clockOffset() async throws {
        // The simulator's first sender report comes a few seconds into a session (RTCP's first interval): a visit of
        // six keyframes (5 s of a 1 s GOP) sees it.
        for (camera, ahead) in [("ahead", 90), ("in-step", 0)] {
            let simulator = try CameraSimulator(cameras: [camera], clockAhead: ahead == 0 ? nil : ahead)
            let visit = try await Self.visit(
                PatrolVisitor(keyframes: 6, deadline: 15), camera, Self.opener(simulator.url(camera)))
            let offset = try #require(visit.stream?.clockOffset, "\(camera): no sender report in \(visit)")
            print("clock offset of \(camera): \(offset) s (\(visit.keyframes.count) keyframes in \(visit.duration) s)")
            // Its clock setting (libfaketime's) is the oracle; the encoder's and loopback's delay are well under 1 s.
            #expect(abs(offset - Double(ahead)) < 1, "\(camera): \(offset) s")
        }
    }

    @Test("RTP packets a camera never sends are counted, over TCP and over UDP, as the camera counts them; none where none")
    func packetLoss() async throws {
        for transport in [RTSPTransport.tcp, .udp] {
            let simulator = try CameraSimulator(cameras: ["lossy", "clean"], lossy: ["lossy": 20])
            for camera in ["lossy", "clean"] {
                let visit = try await Self.visit(
                    PatrolVisitor(keyframes: 5, deadline: 15), camera,
                    Self.opener(simulator.url(camera), transport: transport))
                let lost = try #require(visit.stream?.packetsLost, "\(camera) over \(transport): \(visit)")
                // The simulator's own count is the oracle. It goes on sending until it reads the TEARDOWN, and FFmpeg
                // reports a UDP gap only after its 100 ms reorder wait: the last drop may be in its count, not in ours.
                let counts = try simulator.packets(camera)
                print("\(camera) over \(transport): \(lost) of \(counts.dropped) dropped packets counted (\(counts.sent) sent)")
                #expect(visit.outcome == .ok, "\(camera) over \(transport): \(visit)")
                if camera == "clean" {
                    #expect(lost == 0 && counts.dropped == 0, "\(camera) over \(transport)")
                } else {
                    #expect(lost >= 1 && lost <= counts.dropped && lost * 4 >= counts.dropped * 3, "over \(transport)")
                }
            }
        }
    }

    @Test("a long-GOP camera is measured as such: at most one keyframe within the deadline, the GOP a lower bound")
    func longGOP() async throws {
        let path = try Self.clip(gop: 250)
        let simulator = try CameraSimulator(cameras: ["long"], clips: ["long": path])
        let visit = try await Self.visit(PatrolVisitor(keyframes: 3, deadline: 8), "long", Self.opener(simulator.url("long")))
        // A 10 s GOP: 8 s of stream hold one keyframe at most, and a run of at least 4 s without one.
        #expect(visit.outcome != .unreachable && visit.keyframes.count <= 1, "\(visit)")
        let facts = try #require(visit.stream)
        #expect(facts.gopAtLeast && (facts.gop ?? 0) >= 3.9, "\(facts) \(visit.duration)")
        #expect(visit.duration < 12)
    }

    @Test("a camera that refuses, or asks for credentials, is unreachable with its reason, within the open timeout")
    func unreachable() async throws {
        // A port that was free a moment ago: nothing listens, so the connect is refused.
        let port = try SilentListener().port
        let refused = try await Self.visit(PatrolVisitor(), "gone", Self.opener("rtsp://127.0.0.1:\(port)/x", timeout: 2))
        #expect(refused.outcome == .unreachable && refused.healthReason == .refused, "\(refused)")
        #expect(refused.duration < 3)

        let simulator = try CameraSimulator(cameras: ["locked"])
        try simulator.fault("locked", "refuse/401")
        let locked = try await Self.visit(PatrolVisitor(), "locked", Self.opener(simulator.url("locked"), timeout: 2))
        #expect(locked.outcome == .unreachable && locked.healthReason == .unauthorised, "\(locked)")
    }

    @Test("the meter replays ffprobe's packets of a file to ffprobe's own frame rate and GOP")
    func meterReplaysPackets() throws {
        let path = try Self.clip(gop: 50, seconds: 10)
        let expected = try Self.probe(path)
        let packets = try ProcessRunner.check(
            "ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,size,flags", "-of", "csv=p=0", path]
        ).split(separator: "\n").map { $0.split(separator: ",") }
        let timeBase = try ProcessRunner.check(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=time_base", "-of", "csv=p=0", path]
        ).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/").compactMap { Double($0) }
        var meter = StreamFactsMeter(secondsPerTick: timeBase[0] / timeBase[1])
        for fields in packets {
            meter.add(timestamp: Int64(fields[0]), size: Int(fields[1])!, isKeyframe: fields[2].contains("K"))
        }
        let facts = meter.facts(codec: "h264", width: 640, height: 360)
        #expect(meter.keyframeTimes.count == expected.keyTimes.count)
        #expect(abs((facts.gop ?? 0) - 2) < 0.001 && abs((facts.frameRate ?? 0) - expected.rate) < 0.001, "\(facts)")
    }
}

/// Issue 16: finished rounds are tallied visit by visit.
@Suite("Patrol round tally")
struct PatrolRoundTallyTests {
    @Test("the visit that completes a round is its last; the visits ended with it in one batch go to the next round")
    func roundsClosedAtTheirLastVisit() {
        let noon = Date(timeIntervalSince1970: 1_796_126_400)
        let targets = ["a", "b", "c"].map { PatrolTarget(camera: $0, host: "h") }
        var planner = PatrolPlanner(plan: .every(2), concurrency: 3, perHostLimit: 3, now: noon)
        planner.setTargets(targets)
        var tally = PatrolRoundTally()
        func visit(_ camera: String, _ outcome: PatrolVisit.Outcome) -> PatrolVisit {
            PatrolVisit(camera: camera, startedAt: noon, duration: 1, outcome: outcome)
        }
        _ = planner.start(now: noon)
        #expect(tally.finish("a", visit: visit("a", .ok), in: &planner, at: noon + 1) == nil)
        #expect(tally.finish("b", visit: visit("b", .unreachable), in: &planner, at: noon + 1) == nil)
        // "a" again, started before "c" ends: its visit belongs to round 2.
        #expect(Set(planner.start(now: noon + 2).map(\.camera)) == ["a", "b"])
        let closed = tally.finish("c", visit: visit("c", .noKeyframe), in: &planner, at: noon + 3)
        #expect(closed?.visits == 3 && closed?.ok == 1 && closed?.unreachable == 1 && closed?.noKeyframe == 1)
        #expect(closed?.cameras == 3 && closed?.endedAt == noon + 3)
        #expect(tally.finish("a", visit: visit("a", .ok), in: &planner, at: noon + 3) == nil)
        // A dropped visit (no outcome) ends nothing of its own but may complete the round.
        #expect(planner.start(now: noon + 3.5).map(\.camera) == ["c"])
        #expect(tally.finish("b", visit: nil, in: &planner, at: noon + 3.5) == nil)
        let second = tally.finish("c", visit: visit("c", .ok), in: &planner, at: noon + 5)
        #expect(second?.visits == 2 && second?.ok == 2 && second?.startedAt == noon + 3, "\(second as Any)")
    }
}
