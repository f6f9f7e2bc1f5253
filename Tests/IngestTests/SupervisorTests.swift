import CameraRegistry
import Foundation
import Ingest
import Synchronization
import TestSupport
import Testing

@Suite("Supervisor", .serialized)
struct SupervisorTests {
    static func supervisor(_ events: LiveWorkerTests.Events, root: String, connects: Int = 8) -> Supervisor {
        var template = WorkerConfiguration(segmentDirectory: root)
        template.demux.openTimeout = 30  // a blocked connect must be ended by stop(), not by its deadline
        template.demux.readTimeout = 2
        template.segmentDuration = 2
        template.backoff = Backoff(base: 0.5, cap: 2)
        return Supervisor(template: template, segmentRoot: root, maximumConcurrentConnects: connects) { events.add($0) }
    }

    static func keyframes(_ events: LiveWorkerTests.Events, _ camera: String) -> Int {
        events.keyframes.filter { $0.camera == camera }.count
    }

    @Test("removing a camera blocked in its connect ends its worker within a second; the others keep recording")
    func removeBlocked() throws {
        let simulator = try CameraSimulator(cameras: ["a", "b"])
        let silent = try SilentListener()
        let events = LiveWorkerTests.Events()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-sup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let supervisor = Self.supervisor(events, root: root)
        let blocked = CameraEndpoint(id: "blocked", connectionURL: "rtsp://127.0.0.1:\(silent.port)/x")
        let a = CameraEndpoint(id: "a", connectionURL: simulator.url("a"))
        let b = CameraEndpoint(id: "b", connectionURL: simulator.url("b"))
        supervisor.apply([a, b, blocked])
        #expect(supervisor.cameras == ["a", "b", "blocked"])
        #expect(events.wait(15) { Self.keyframes($0, "a") >= 2 && Self.keyframes($0, "b") >= 2 })
        #expect(events.health.contains { $0.camera == "blocked" && $0.state == .connecting })

        let removed = ContinuousClock.now
        supervisor.apply([a, b])
        #expect(events.wait(1) { $0.health.contains { $0.camera == "blocked" && $0.state == .stopped } })
        #expect(ContinuousClock.now - removed < .seconds(1))
        #expect(supervisor.cameras == ["a", "b"])

        // Removing a streaming camera stops it and only it.
        supervisor.apply([a])
        #expect(events.wait(1) { $0.health.contains { $0.camera == "b" && $0.state == .stopped } })
        let before = Self.keyframes(events, "a")
        #expect(events.wait(5) { Self.keyframes($0, "a") >= before + 2 }, "camera a must keep recording")
        #expect(!events.health.contains { $0.camera == "a" && $0.state != .connecting && $0.state != .streaming })

        // A changed URL restarts that camera.
        supervisor.apply([CameraEndpoint(id: "a", connectionURL: simulator.url("b"))])
        #expect(events.wait(5) { $0.health.filter { $0.camera == "a" && $0.state == .streaming }.count == 2 })
        #expect(supervisor.stopAll(timeout: 1))
    }

    @Test("the connect limiter lets through no more than its bound, and gives up when cancelled")
    func limiter() {
        let limiter = ConnectLimiter(maximum: 2)
        let inside = Mutex(0)
        let most = Mutex(0)
        let refused = Mutex(0)
        let group = DispatchGroup()
        for _ in 0..<8 {
            group.enter()
            // No #expect on these threads: the test's own thread is blocked in wait(), and Swift Testing needs it.
            Thread.detachNewThread {
                if !limiter.acquireForTesting() { refused.withLock { $0 += 1 } }
                let now = inside.withLock { count -> Int in
                    count += 1
                    return count
                }
                most.withLock { $0 = max($0, now) }
                Thread.sleep(forTimeInterval: 0.05)
                inside.withLock { $0 -= 1 }
                limiter.releaseForTesting()
                group.leave()
            }
        }
        group.wait()
        #expect(refused.withLock { $0 } == 0)
        #expect(most.withLock { $0 } == 2)
        _ = limiter.acquireForTesting()
        _ = limiter.acquireForTesting()
        let started = ContinuousClock.now
        #expect(!limiter.acquireForTesting(cancelledAfter: 0.2))
        #expect(ContinuousClock.now - started < .seconds(1))
    }
}

@Suite("Supervisor and registry", .serialized)
struct SupervisorRegistryTests {
    @Test("workers follow the registry: disabling or deleting a camera stops it, enabling starts it")
    func followsRegistry() throws {
        let ids = ["33019900001320000101", "33019900001320000102"]
        let simulator = try CameraSimulator(cameras: ids)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-supreg-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let registry = try Registry(dataDirectory: data) { _ in }
        for id in ids {
            try registry.addCamera(
                Camera(id: try DeviceID(id), name: id, mainStream: try StreamEndpoint(parsing: simulator.url(id)), location: nil))
        }
        let events = LiveWorkerTests.Events()
        let supervisor = SupervisorTests.supervisor(events, root: data + "/segments")
        try supervisor.sync(with: registry)
        #expect(supervisor.cameras == ids)
        #expect(events.wait(15) { recorded in ids.allSatisfy { SupervisorTests.keyframes(recorded, $0) >= 1 } })

        try registry.setMode(.patrol, cameraID: ids[0])
        try supervisor.sync(with: registry)
        #expect(events.wait(1) { $0.health.contains { $0.camera == ids[0] && $0.state == .stopped } })
        #expect(supervisor.cameras == [ids[1]])

        try registry.setMode(.record, cameraID: ids[0])
        try registry.removeCamera(id: ids[1])
        try supervisor.sync(with: registry)
        #expect(events.wait(1) { $0.health.contains { $0.camera == ids[1] && $0.state == .stopped } })
        #expect(supervisor.cameras == [ids[0]])
        #expect(events.wait(10) { $0.health.filter { $0.camera == ids[0] && $0.state == .streaming }.count == 2 })
        #expect(supervisor.stopAll(timeout: 1))
    }
}
