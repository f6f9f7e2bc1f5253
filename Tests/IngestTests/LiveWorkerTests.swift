import Archive
import CameraRegistry
import Foundation
import Ingest
import MediaIO
import Synchronization
import TestSupport
import Testing

/// Camera workers against the real RTSP simulator on loopback.
@Suite("Camera worker, live", .serialized)
struct LiveWorkerTests {
    final class Events: Sendable {
        private let events = Mutex<[WorkerEvent]>([])
        func add(_ event: WorkerEvent) { events.withLock { $0.append(event) } }
        var all: [WorkerEvent] { events.withLock { $0 } }
        var health: [HealthTransition] {
            events.withLock { $0.compactMap { if case .health(let transition) = $0 { transition } else { nil } } }
        }
        var keyframes: [RecordedKeyframe] {
            events.withLock { $0.compactMap { if case .keyframe(let keyframe) = $0 { keyframe } else { nil } } }
        }
        var packetsLost: Int {
            events.withLock { $0.reduce(0) { if case .reception(_, let lost, _) = $1 { $0 + lost } else { $0 } } }
        }
        var discontinuities: [TimestampDiscontinuity] {
            events.withLock { $0.compactMap { if case .discontinuity(_, let discontinuity) = $0 { discontinuity } else { nil } } }
        }
        /// Waits until `condition` holds; false after `seconds`.
        func wait(_ seconds: Double, until condition: (Events) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition(self) { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return condition(self)
        }
    }

    static func worker(_ url: String, events: Events, readTimeout: Double = 2) throws -> (CameraWorker, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-live-\(UUID().uuidString)").path
        var configuration = WorkerConfiguration(segmentDirectory: directory)
        configuration.demux.openTimeout = 3
        configuration.demux.readTimeout = readTimeout
        configuration.segmentDuration = 2
        configuration.backoff = Backoff(base: 0.5, cap: 2)
        let worker = CameraWorker(camera: "cam", connectionURL: url, configuration: configuration) { events.add($0) }
        return (worker, directory)
    }

    @Test("records segments and reports each keyframe; stops within a second")
    func records() throws {
        let simulator = try CameraSimulator(cameras: ["cam1"])
        let events = Events()
        let (worker, directory) = try Self.worker(simulator.url("cam1"), events: events)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        worker.start()
        #expect(events.wait(15) { $0.keyframes.count >= 5 })
        let started = ContinuousClock.now
        worker.stop()
        #expect(worker.waitUntilStopped(timeout: 1))
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(Array(events.health.map(\.state).prefix(2)) == [.connecting, .streaming])
        #expect(events.health.last?.state == .stopped)
        let keyframes = events.keyframes
        #expect(zip(keyframes, keyframes.dropFirst()).allSatisfy { $0.seconds < $1.seconds })
        // A keyframe a second (GOP 25 at 25 fps), within one frame.
        for (a, b) in zip(keyframes, keyframes.dropFirst()) {
            #expect(abs((b.seconds - a.seconds) - 1.0) <= 0.041, "\(keyframes.map(\.seconds))")
        }
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".ts") }
        #expect(segments.count >= 2)
        for segment in segments.sorted() {
            #expect(!(try Oracles.keyPackets(directory + "/" + segment)).isEmpty)
            // Each segment decodes on its own: its first keyframe carries the parameter sets RTSP sent apart.
            let decode = try ProcessRunner.run(
                "ffmpeg",
                [
                    "-nostdin", "-v", "error", "-i", directory + "/" + segment, "-fps_mode", "passthrough", "-enc_time_base:v",
                    "1/90000", "-f", "null", "-",
                ])
            let packets = try ProcessRunner.check(
                "ffprobe",
                ["-v", "error", "-show_entries", "packet=pts,dts,flags,size", "-of", "csv=p=0", directory + "/" + segment]
            ).split(separator: "\n").prefix(4).joined(separator: " | ")
            #expect(decode.status == 0 && decode.standardError.isEmpty, "\(segment): \(decode.standardError) \(packets)")
        }
    }

    @Test("a recorded camera's lost RTP packets are reported as the camera counts its drops, bar the last second's")
    func reportsPacketLoss() throws {
        let simulator = try CameraSimulator(cameras: ["cam1"], lossy: ["cam1": 20])
        let events = Events()
        let (worker, directory) = try Self.worker(simulator.url("cam1"), events: events)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        worker.start()
        #expect(events.wait(15) { $0.keyframes.count >= 8 })
        worker.stop()
        #expect(worker.waitUntilStopped(timeout: 1))
        let dropped = try simulator.packets("cam1").dropped
        print("reported \(events.packetsLost) lost packets of \(dropped) the camera dropped")
        // Reported with each throughput reading: the last second's losses, and those after the stop, are not.
        #expect(events.packetsLost >= 1 && events.packetsLost <= dropped && events.packetsLost * 2 >= dropped)
    }

    @Test("reconnects after the camera drops the connection, and the timeline records one reset")
    func reconnects() throws {
        let simulator = try CameraSimulator(cameras: ["cam1"])
        let events = Events()
        let (worker, directory) = try Self.worker(simulator.url("cam1"), events: events)
        defer {
            worker.stop()
            _ = worker.waitUntilStopped(timeout: 2)
            try? FileManager.default.removeItem(atPath: directory)
        }
        worker.start()
        #expect(events.wait(15) { $0.keyframes.count >= 3 })
        let dropped = ContinuousClock.now
        try simulator.fault("cam1", "drop")
        #expect(events.wait(10) { $0.health.filter { $0.state == .streaming }.count >= 2 })
        let backAfter = ContinuousClock.now - dropped
        #expect(backAfter < .seconds(3), "back after \(backAfter): 2 s + one GOP")
        #expect(events.health.contains { $0.state == .offline && $0.reason == .ended })
        #expect(events.wait(5) { !$0.discontinuities.isEmpty })
        #expect(
            events.discontinuities.count == 1 && [.reset, .backward].contains(events.discontinuities[0].kind),
            "\(events.discontinuities) \(events.keyframes.map(\.seconds))")
        let seconds = events.keyframes.map(\.seconds)
        #expect(zip(seconds, seconds.dropFirst()).allSatisfy { $0 < $1 }, "the index timeline must stay monotonic")
    }

    @Test("a stalled camera (connection open, nothing sent) is reported stalled")
    func stall() throws {
        let simulator = try CameraSimulator(cameras: ["cam1"])
        let events = Events()
        let (worker, directory) = try Self.worker(simulator.url("cam1"), events: events, readTimeout: 2)
        defer {
            worker.stop()
            _ = worker.waitUntilStopped(timeout: 2)
            try? FileManager.default.removeItem(atPath: directory)
        }
        worker.start()
        #expect(events.wait(15) { $0.keyframes.count >= 2 })
        let stalled = ContinuousClock.now
        try simulator.fault("cam1", "stall")
        #expect(events.wait(10) { $0.health.contains { $0.state == .stalled && $0.reason == .noData } })
        let detectedAfter = ContinuousClock.now - stalled
        // The ingest issue's bound: the read timeout (2 s) + 1 s.
        #expect(detectedAfter < .seconds(3), "stall seen after \(detectedAfter)")
    }

    /// Item 11 of issue 13: against a camera that offers RTP over UDP only, Skygate answered "offline, refused" for
    /// ever: it forced TCP and never tried UDP after 461 Unsupported Transport.
    @Test(
        "TCP first; UDP when the camera refuses TCP (461); a pinned transport is kept",
        arguments: [
            ("cam1", nil, "tcp"), ("cam2", nil, "udp"), ("cam1", RTSPTransport.udp, "udp"), ("cam2", RTSPTransport.tcp, ""),
        ] as [(String, RTSPTransport?, String)])
    func transports(_ setup: (camera: String, pinned: RTSPTransport?, expected: String)) throws {
        let simulator = try CameraSimulator(cameras: ["cam1", "cam2"], udpOnly: ["cam2"])
        let events = Events()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-live-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = WorkerConfiguration(segmentDirectory: directory)
        configuration.demux.openTimeout = 3
        configuration.segmentDuration = 2
        let opener = URLSourceOpener(
            connectionURL: simulator.url(setup.camera), options: configuration.demux, rtspTransport: setup.pinned)
        let worker = CameraWorker(camera: "cam", source: opener, configuration: configuration) { events.add($0) }
        worker.start()
        defer {
            worker.stop()
            _ = worker.waitUntilStopped(timeout: 2)
        }
        let connected = {
            events.all.compactMap { event -> String?? in
                if case .connected(_, let transport) = event { transport } else { nil }
            }
        }
        if !setup.expected.isEmpty {
            #expect(events.wait(15) { $0.keyframes.count >= 2 }, "\(events.health)")
            #expect(connected().first == setup.expected)
        } else {
            // TCP pinned on a camera that refuses it: offline, and no connection ever made.
            #expect(events.wait(10) { $0.health.contains { $0.state == .offline } })
            #expect(connected().isEmpty && events.keyframes.isEmpty)
        }
    }

    @Test("401 and 404 are told apart", arguments: [("refuse/401", HealthReason.unauthorised), ("refuse/404", .notFound)])
    func refusals(_ fault: (String, HealthReason)) throws {
        let simulator = try CameraSimulator(cameras: ["cam1"])
        try simulator.fault("cam1", fault.0)
        let events = Events()
        let (worker, directory) = try Self.worker(simulator.url("cam1"), events: events)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        worker.start()
        #expect(events.wait(10) { $0.health.contains { $0.state == .offline } })
        worker.stop()
        #expect(worker.waitUntilStopped(timeout: 1))
        #expect(events.health.first { $0.state == .offline }?.reason == fault.1)
    }

    @Test("digits in a URL are not a refusal: a closed port at path /404 is refused, a missing path /401 not found")
    func refusalsByCode() throws {
        let simulator = try CameraSimulator(cameras: ["cam1"])
        // A port that was free a moment ago: nothing listens, so the connect is refused.
        let closedPort = try SilentListener().port
        let cases = [
            ("rtsp://127.0.0.1:\(closedPort)/404", HealthReason.refused),
            (simulator.url("401"), .notFound),
        ]
        for (url, reason) in cases {
            let events = Events()
            let (worker, directory) = try Self.worker(url, events: events)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            worker.start()
            #expect(events.wait(10) { $0.health.contains { $0.state == .offline } })
            worker.stop()
            #expect(worker.waitUntilStopped(timeout: 1))
            #expect(events.health.first { $0.state == .offline }?.reason == reason, "\(url)")
        }
    }

    @Test("a worker blocked in a connect that never answers ends within a second of stop()")
    func stopWhileBlocked() throws {
        let listener = try SilentListener()
        let events = Events()
        let (worker, directory) = try Self.worker("rtsp://127.0.0.1:\(listener.port)/x", events: events)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        worker.start()
        #expect(events.wait(5) { $0.health.contains { $0.state == .connecting } })
        Thread.sleep(forTimeInterval: 0.5)
        let stopped = ContinuousClock.now
        worker.stop()
        #expect(worker.waitUntilStopped(timeout: 1))
        #expect(ContinuousClock.now - stopped < .seconds(1))
    }
}
