import Access
import Archive
import CameraRegistry
import Foundation
import Ingest
import Logging
import MediaIO
import SkygateService
import TestSupport
import Testing

/// Issue 16: patrol inspection in the running service, against the RTSP simulator.
@Suite("Patrol inspection, in-process", .serialized)
struct PatrolServiceTests {
    @Test("patrol cameras are visited every round and not recorded; one switched to record starts recording at once")
    func patrolsAndSwitches() async throws {
        let simulated = ["p1", "p2", "p3", "p4"]
        let simulator = try CameraSimulator(cameras: simulated + ["r1"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-patrol-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try Registry(dataDirectory: directory, lenientIDs: true) { url in _ = try URLPolicy.default.check(url) }
        let closedPort = try SilentListener().port
        // A camera that accepts the connection and never answers: its visits time out, and must not take the deadlines
        // of the visits beside it with them (they shared one interrupt flag at first).
        let hanging = try SilentListener()
        let urls = Dictionary(uniqueKeysWithValues: (simulated + ["r1"]).map { ($0, simulator.url($0)) })
            .merging(["gone": "rtsp://127.0.0.1:\(closedPort)/gone", "hung": "rtsp://127.0.0.1:\(hanging.port)/hung"]) { a, _ in a
            }
        for (id, url) in urls.sorted(by: { $0.key < $1.key }) {
            try registry.addCamera(
                Camera(
                    id: try DeviceID(id, lenient: true), name: id, mainStream: try registry.streamEndpoint(url), location: nil,
                    mode: id == "r1" ? .record : .patrol))
        }
        let access = try AccessStore(path: directory + "/access.sqlite")
        var configuration = InProcessServiceTests.configuration(directory)
        configuration.http = nil
        configuration.patrol = PatrolConfiguration(
            plan: .every(4), concurrency: 3, perHostLimit: 2, keyframes: 2, visitDeadline: 6, registryPollInterval: 0.5)
        configuration.patrol.demux.openTimeout = 2
        let service = try SkygateService(
            configuration: configuration, registry: registry, access: access, logger: Logger(label: "t"))
        let running = Task { try await service.run() }
        // However the test ends: one that throws half-way must not leave its service running in the test process.
        defer { Task { await service.shutDown() } }
        let log = PatrolVisitLog(store: try ArchiveDatabase(path: directory + "/archive.sqlite"))
        let patrolled = simulated + ["gone", "hung"]
        let visited: @Sendable () -> [String: [PatrolVisit]] = {
            Dictionary(grouping: (try? log.visits(camera: nil)) ?? [], by: \.camera)
        }

        // Two visits of every patrol camera: two rounds.
        #expect(await InProcessServiceTests.eventually(40) { patrolled.allSatisfy { visited()[$0, default: []].count >= 2 } })
        let visits = visited()
        for camera in simulated {
            let ok = visits[camera, default: []].filter { $0.outcome == .ok }
            #expect(
                visits[camera, default: []].allSatisfy { $0.outcome == .ok && $0.keyframes.count == 2 },
                "\(camera): \(visits[camera, default: []])")
            #expect(ok.first?.stream.map { $0.width > 0 && abs(($0.gop ?? 0) - 1) < 0.1 } == true, "\(ok.first?.stream as Any)")
        }
        #expect(visits["gone", default: []].allSatisfy { $0.outcome == .unreachable && $0.healthReason == .refused })
        #expect(
            visits["hung", default: []].allSatisfy {
                $0.outcome == .unreachable && $0.healthReason == .timeout && $0.duration < 4
            },
            "\(visits["hung", default: []].map { ($0.healthReason as Any, $0.duration) })")
        #expect(visits["r1"] == nil, "a recorded camera was patrolled")
        // Two visits that did not reach it: offline, an event in the store like any camera's.
        #expect(
            await InProcessServiceTests.eventually(5) {
                ((try? service.events.events()) ?? []).contains { $0.device == "gone" && $0.kind == .offline }
            })
        // The simulator starts its test picture afresh at every session, so consecutive visits of a healthy camera see
        // the same first keyframes: that is what "frozen" across visits means, and it is raised after three such
        // visits when the test runs long enough. Nothing else may be raised for them.
        let events = (try? service.events.events()) ?? []
        #expect(
            events.allSatisfy { ["gone", "hung"].contains($0.device) || $0.kind == .frozen },
            "a healthy camera had an event: \(events.map { ($0.device, $0.kind) })")
        // Switched off, its offline event is cleared, not left open for ever.
        try registry.setMode(.off, cameraID: "gone")
        #expect(
            await InProcessServiceTests.eventually(5) {
                ((try? service.events.events()) ?? []).contains {
                    $0.device == "gone" && $0.kind == .offline && $0.state == .cleared
                }
            })
        #expect((service.patrol.progress?.round ?? 0) >= 2)
        // Only the recorded camera records; at most two visits to one host at a time, as configured.
        #expect(service.ingest.cameraStatuses.map(\.camera) == ["r1"])
        #expect(!FileManager.default.fileExists(atPath: directory + "/segments/p1"))
        let intervals = visits.values.joined().map { ($0.startedAt, $0.startedAt + $0.duration) }
        let overlap = intervals.map { visit in intervals.filter { $0.0 <= visit.0 && $0.1 > visit.0 }.count }.max() ?? 0
        #expect(overlap <= 2, "\(overlap) visits to 127.0.0.1 at once")

        // Switched to record mid-round: recorded within a couple of seconds, without a restart, and no longer visited.
        try registry.setMode(.record, cameraID: "p1")
        let switched = Date()
        #expect(await InProcessServiceTests.eventually(10) { service.ingest.cameraStatuses.contains { $0.camera == "p1" } })
        try await Task.sleep(for: .seconds(8))
        let late = visited()["p1", default: []].filter { $0.startedAt > switched.addingTimeInterval(1) }
        #expect(late.isEmpty, "p1 was still patrolled after it was switched to record: \(late.map(\.startedAt))")

        await service.shutDown()
        try await running.value
        // Held to the end: released early, its port would refuse, and "hung" would read as "gone".
        withExtendedLifetime(hanging) {}
    }
}
