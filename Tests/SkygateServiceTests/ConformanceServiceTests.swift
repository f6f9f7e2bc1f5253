import Access
import CameraRegistry
import Events
import Foundation
import Ingest
import Logging
import MediaIO
import SkygateService
import TestSupport
import Testing

/// Issue 16: stream conformance judged continuously for recorded cameras, not only at patrol visits.
@Suite("Conformance of recorded cameras, in-process", .serialized)
struct ConformanceServiceTests {
    @Test("a recorded camera whose keyframes come further apart than the limit raises long GOP; one within it does not")
    func longGOPWhileRecording() async throws {
        // Keyframes every 2 s and every 1 s (50 and 25 frames at 25 fps), against a limit of 1.5 s for the test.
        let slow = try CameraSimulator(cameras: ["slow"], gop: 50)
        let regular = try CameraSimulator(cameras: ["regular"], gop: 25)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gop-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try Registry(dataDirectory: directory, lenientIDs: true) { url in _ = try URLPolicy.default.check(url) }
        for (id, url) in [("slow", slow.url("slow")), ("regular", regular.url("regular"))] {
            try registry.addCamera(
                Camera(
                    id: try DeviceID(id, lenient: true), name: id, mainStream: try registry.streamEndpoint(url), location: nil))
        }
        var configuration = InProcessServiceTests.configuration(directory)
        configuration.http = nil
        var thresholds = DetectorThresholds()
        thresholds.longGOPSeconds = 1.5
        configuration.detectors = DetectorConfiguration(defaults: thresholds)
        let service = try SkygateService(
            configuration: configuration, registry: registry, access: try AccessStore(path: directory + "/access.sqlite"),
            logger: Logger(label: "t"))
        let running = Task { try await service.run() }
        let raised = await InProcessServiceTests.eventually(30) {
            ((try? service.events.events()) ?? []).contains { $0.device == "slow" && $0.kind == .longGOP }
        }
        // The regular camera has had as many intervals by now, each within the limit.
        let regularKeyframes = service.ingest.cameraStatuses.first { $0.camera == "regular" }?.keyframes ?? 0
        let events = try service.events.events()
        await service.shutDown()
        try await running.value
        #expect(raised, "\(events.map { ($0.device, $0.kind) })")
        let gop = events.first { $0.device == "slow" && $0.kind == .longGOP }?.evidence["gop"] ?? 0
        #expect(abs(gop - 2) < 0.5, "measured \(gop) s between keyframes")
        #expect(regularKeyframes >= 4 && !events.contains { $0.device == "regular" }, "\(events.map { ($0.device, $0.kind) })")
    }
}
