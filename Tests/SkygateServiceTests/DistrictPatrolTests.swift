import Access
import Archive
import CameraRegistry
import Events
import Foundation
import Ingest
import Logging
import MediaIO
import SkygateService
import TestSupport
import Testing

/// Issue 16's acceptance: a few hundred simulated patrol cameras with a known fault mix, patrolled by the service.
@Suite("Patrol inspection of a simulated district", .serialized)
struct DistrictPatrolTests {
    /// The event each simulated fault must raise, and only it; healthy and slow cameras raise nothing.
    static let expected: [String: EventKind] = [
        "offline": .offline, "black": .tooDark, "frozen": .frozen, "blurred": .blur, "long-gop": .longGOP,
    ]

    @Test("every camera visited each round, each fault raised at its configured visit and no other event, per-host limit kept")
    func district() async throws {
        let perHost = 6
        let simulator = try await DistrictSimulator.start(
            cameras: 240, nvrs: 8, faults: "offline=5,slow=5,black=5,frozen=5,blurred=5,long-gop=5")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-district-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try Registry(dataDirectory: directory, lenientIDs: true) { url in _ = try URLPolicy.default.check(url) }
        for (id, camera) in simulator.cameras.sorted(by: { $0.key < $1.key }) {
            try registry.addCamera(
                Camera(
                    id: try DeviceID(id, lenient: true), name: id, mainStream: try registry.streamEndpoint(camera.url),
                    location: nil, mode: .patrol))
        }
        var configuration = InProcessServiceTests.configuration(directory)
        configuration.http = nil
        configuration.patrol = PatrolConfiguration(
            plan: .every(1), concurrency: 48, perHostLimit: perHost, keyframes: 2, visitDeadline: 6, registryPollInterval: 0.5)
        // The slow cameras answer each of the four requests of an RTSP open half a second late.
        configuration.patrol.demux.openTimeout = 4
        var thresholds = DetectorThresholds()
        thresholds.raiseAfter = 2
        thresholds.offlineAfterVisits = 2
        configuration.detectors = DetectorConfiguration(defaults: thresholds)
        let service = try SkygateService(
            configuration: configuration, registry: registry, access: try AccessStore(path: directory + "/access.sqlite"),
            logger: Logger(label: "t"))
        let running = Task { try await service.run() }
        // However the test ends: one that throws half-way must not leave its service running in the test process.
        defer { Task { await service.shutDown() } }
        let log = PatrolVisitLog(store: try ArchiveDatabase(path: directory + "/archive.sqlite"))
        let visited: @Sendable () -> [String: [PatrolVisit]] = {
            Dictionary(grouping: (try? log.visits(camera: nil)) ?? [], by: \.camera)
        }
        let cameras = simulator.cameras

        // Three visits of every camera: three rounds, each fault raised by then.
        #expect(
            await InProcessServiceTests.eventually(150) {
                let visits = visited()
                return cameras.keys.allSatisfy { visits[$0, default: []].count >= 3 }
            })
        // Sessions at each NVR so far: patrol visits only (a recorded camera's session is not a visit, nor limited as one).
        let patrolSessions = try simulator.sessions()
        // A healthy camera switched to record mid-round records at once, without a restart, and is no longer visited.
        let switchedCamera = cameras.filter { $0.value.fault == "healthy" }.keys.sorted().first!
        try registry.setMode(.record, cameraID: switchedCamera)
        let switched = Date()
        #expect(
            await InProcessServiceTests.eventually(15) {
                service.ingest.cameraStatuses.contains { $0.camera == switchedCamera && $0.keyframes >= 1 }
            })
        // Its NVR now serves its recording beside the visits: they take one of the NVR's sessions, and the limit
        // still holds, counting it.
        try simulator.resetSessions()
        try await Task.sleep(for: .seconds(6))
        let withRecording = try simulator.sessions().nvrs[cameras[switchedCamera]!.nvr]
        #expect((withRecording?.most ?? 0) <= perHost && (withRecording?.now ?? 0) >= 1, "\(withRecording as Any)")
        await service.shutDown()
        try await running.value
        let sessions = try simulator.sessions()

        let visits = visited()
        let events = try service.events.events()
        // Fair: no camera more than two visits behind another (the one switched to record left the patrol).
        let counts = cameras.keys.filter { $0 != switchedCamera }.map { visits[$0, default: []].count }
        #expect(counts.max()! - counts.min()! <= 2, "visits per camera from \(counts.min()!) to \(counts.max()!)")
        #expect(
            visits[switchedCamera, default: []].allSatisfy { $0.startedAt < switched.addingTimeInterval(1) },
            "\(switchedCamera) was still patrolled after it was switched to record")
        for (id, camera) in cameras.sorted(by: { $0.key < $1.key }) {
            let own = events.filter { $0.device == id }
            let log = visits[id, default: []]
            // The simulator saw every visit the gateway logged (its own count, from the sessions it served).
            #expect(
                sessions.visits[id, default: 0] >= log.count,
                "\(id): \(sessions.visits[id, default: 0]) sessions, \(log.count) visits")
            guard let kind = Self.expected[camera.fault] else {
                #expect(own.isEmpty, "\(id) (\(camera.fault)) had \(own.map(\.kind))")
                #expect(log.allSatisfy { $0.outcome == .ok }, "\(id) (\(camera.fault)): \(log.map(\.outcome))")
                continue
            }
            #expect(own.map(\.kind) == [kind], "\(id) (\(camera.fault)) had \(own.map(\.kind)), not \(kind)")
            guard let event = own.first(where: { $0.kind == kind }) else { continue }
            // Raised at the visit that made the configured count of bad visits, not before nor after: the second
            // bad visit (a frozen picture is bad from the second visit on, the first having nothing to compare with).
            let visitsByThen = log.filter { $0.startedAt + $0.duration <= event.raisedAt.addingTimeInterval(0.01) }.count
            #expect(visitsByThen == (kind == .frozen ? 3 : 2), "\(id) (\(camera.fault)) raised after \(visitsByThen) visits")
        }
        let long = visits.filter { cameras[$0.key]?.fault == "long-gop" }.values.joined()
        #expect(long.allSatisfy { ($0.stream?.gop ?? 0) > 4 }, "\(long.map { $0.stream?.gop as Any })")
        // The per-host limit, counted by the simulator at each NVR: reached, never exceeded. The simulator sees a
        // session's end late when its threads are busy (its "most" takes each end a second early), so the gateway's
        // own visit log is checked too: a visit's interval, from before its connection to after its close, encloses the session.
        let most = patrolSessions.nvrs.mapValues(\.most)
        #expect(most.values.allSatisfy { $0 <= perHost } && most.values.max() ?? 0 >= perHost - 1, "\(most)")
        for (nvr, ids) in Dictionary(grouping: cameras.keys, by: { cameras[$0]!.nvr }) {
            let intervals = ids.flatMap { visits[$0, default: []] }.map { ($0.startedAt, $0.startedAt + $0.duration) }
            let overlap = intervals.map { visit in intervals.filter { $0.0 <= visit.0 && $0.1 > visit.0 }.count }.max() ?? 0
            #expect(overlap <= perHost, "\(overlap) visits to \(nvr) at once in the gateway's log")
        }
    }
}
