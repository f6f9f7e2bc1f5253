import Access
import CameraRegistry
import Foundation
import Ingest
import Logging
import MediaIO
import SkygateService
import Synchronization
import TestSupport
import Testing

/// The whole service — ingest, events, exporters, HTTP — started in the test's own process from a configuration,
/// against the RTSP simulator and over loopback HTTP: no binary, no command line.
@Suite("Skygate service, in-process", .serialized)
struct InProcessServiceTests {
    static let camera = "33019900001320000001"

    /// A data directory with a registry holding one camera at `url`, and an admin token.
    static func dataDirectory(cameraURL url: String) throws -> (String, Registry, AccessStore, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-svc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let registry = try Registry(dataDirectory: directory) { url in _ = try URLPolicy.default.check(url) }
        try registry.addCamera(
            Camera(id: try DeviceID(camera), name: "gate", mainStream: try registry.streamEndpoint(url), location: nil))
        let access = try AccessStore(path: directory + "/access.sqlite")
        let token = try access.createToken(name: "test", role: .admin, actor: "test", source: "test").token
        return (directory, registry, access, token)
    }

    static func configuration(_ directory: String) -> SkygateConfiguration {
        var configuration = SkygateConfiguration(dataDirectory: directory)
        configuration.ingest.worker.segmentDuration = 2
        configuration.ingest.worker.demux.readTimeout = 3
        configuration.http = HTTPAddress(host: "127.0.0.1", port: 0)
        return configuration
    }

    @Test("records a camera, answers HTTP, holds the data directory, and stops cleanly on shutDown()")
    func runsInProcess() async throws {
        let simulator = try CameraSimulator(cameras: ["cam1"])
        let (directory, registry, access, token) = try Self.dataDirectory(cameraURL: simulator.url("cam1"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (service, port, running) = try Self.start(directory, registry: registry, access: access)
        // However the test ends: one that throws half-way must not leave its service running in the test process.
        defer { Task { await service.shutDown() } }

        // Camera status comes straight from ingest: streaming, with keyframes recorded.
        #expect(await Self.eventually(15) { service.ingest.cameraStatuses.first?.keyframes ?? 0 >= 2 })
        #expect(service.ingest.cameraStatuses.map(\.state) == [.streaming])

        // A second service on the same data directory is refused while this one runs.
        #expect(throws: ServiceError.self) {
            try SkygateService(
                configuration: Self.configuration(directory), registry: registry, access: access, logger: Logger(label: "x"))
        }

        // The API over loopback, with the status read from ingest in this process.
        let listening = try #require(port.value)
        let status = try ProcessRunner.check(
            "curl", ["-sf", "-m", "20", "-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(listening)/api/status"])
        #expect(status.contains("\"state\":\"streaming\""), "\(status)")
        #expect(status.contains(Self.camera))
        // /metrics as Prometheus' own linter reads it (issue 13: a bitrate in bits broke its base-unit rule).
        let scrape: @Sendable () -> String = {
            (try? ProcessRunner.check(
                "curl", ["-sf", "-m", "20", "-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(listening)/metrics"]))
                ?? ""
        }
        // The stream rate appears once the first throughput window (a few seconds) has passed.
        #expect(await Self.eventually(15) { scrape().contains("skygate_camera_received_bytes_per_second{") })
        let metrics = scrape()
        // Analysis keeps to its interval with one camera: its newest analysed keyframe is a GOP or so old.
        #expect(metrics.contains("skygate_analysis_interval_seconds 10"), "\(metrics)")
        #expect(metrics.contains("skygate_analysis_cameras_behind 0"))
        let age = metrics.split(separator: "\n").first { $0.hasPrefix("skygate_camera_analysis_age_seconds{") }
            .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
        #expect(age.map { $0 >= 0 && $0 < 5 } == true, "analysis age \(String(describing: age))")
        let file = directory + "/metrics.txt"
        try metrics.write(toFile: file, atomically: true, encoding: .utf8)
        let lint = try ProcessRunner.run("/bin/sh", ["-c", "promtool check metrics < '\(file)'"])
        #expect(
            lint.status == 0 && lint.standardError.isEmpty && lint.standardOutput.isEmpty,
            "\(lint.standardOutput)\(lint.standardError)")

        await service.shutDown()
        try await running.value
        #expect(service.stoppedCleanly)
        #expect(service.ingest.cameraStatuses.isEmpty)
        // The last segment, written until the stop, was closed whole: it decodes without an error.
        let segmentDirectory = directory + "/segments/\(Self.camera)"
        let last = try #require(try FileManager.default.contentsOfDirectory(atPath: segmentDirectory).sorted().last)
        let decode = try ProcessRunner.run(
            "ffmpeg",
            [
                // Passthrough timing, as in the live worker test: two key pictures one 90 kHz tick apart are kept.
                "-nostdin", "-v", "error", "-i", segmentDirectory + "/" + last, "-fps_mode", "passthrough",
                "-enc_time_base:v", "1/90000", "-f", "null", "-",
            ])
        #expect(decode.status == 0 && decode.standardError.isEmpty, "\(decode.standardError)")
        // The lock went with the service: another may start now.
        let again = try SkygateService(
            configuration: Self.configuration(directory), registry: registry, access: access, logger: Logger(label: "y"))
        await again.shutDown()
        try await again.run()
    }

    /// Issue 13, item 1: the gateway writes the registry on the registry's own connection, whose `PRAGMA data_version`
    /// does not move for it; ingest and the event engine must see those changes anyway, within a second.
    @Test("cameras and sensors changed through the API reach ingest and the event engine within a second")
    func apiChangesReachIngest() async throws {
        let simulator = try CameraSimulator(cameras: ["cam1", "cam2"])
        let (directory, registry, access, token) = try Self.dataDirectory(cameraURL: simulator.url("cam1"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (service, port, running) = try Self.start(directory, registry: registry, access: access)
        // However the test ends: one that throws half-way must not leave its service running in the test process.
        defer { Task { await service.shutDown() } }
        #expect(await Self.eventually(15) { service.ingest.cameraStatuses.first?.state == .streaming })
        let base = "http://127.0.0.1:\(try #require(port.value))/api"
        func call(_ method: String, _ path: String, _ body: String? = nil) throws -> String {
            var arguments = ["-sS", "-f", "-m", "20", "-X", method, "-H", "Authorization: Bearer \(token)", base + path]
            if let body { arguments += ["-H", "Content-Type: application/json", "--data", body] }
            return try ProcessRunner.check("curl", arguments)
        }
        let works: @Sendable (String) -> Bool = { camera in service.ingest.cameraStatuses.contains { $0.camera == camera } }

        _ = try call("PATCH", "/cameras/\(Self.camera)", #"{"mode":"patrol"}"#)
        #expect(await Self.eventually(1) { !works(Self.camera) }, "a camera switched to patrol goes on recording")
        _ = try call("PATCH", "/cameras/\(Self.camera)", #"{"mode":"record"}"#)
        #expect(await Self.eventually(1) { works(Self.camera) }, "a camera switched back to record does not start")

        let second = "33019900001320000002"
        _ = try call("POST", "/cameras", #"{"id":"\#(second)","name":"yard","mainUrl":"\#(simulator.url("cam2"))"}"#)
        #expect(await Self.eventually(1) { works(second) }, "a camera added through the API does not start")
        _ = try call("DELETE", "/cameras/\(second)")
        #expect(await Self.eventually(1) { !works(second) }, "a camera removed through the API goes on recording")

        // A sensor moved with PUT raises its next alarm at the new place (the engine's linking cache follows).
        let sensor = "33019900001340000001"
        _ = try call("PUT", "/sensors/\(sensor)", #"{"name":"door","kind":"door","longitude":120.1,"latitude":30.2}"#)
        let first = try call("POST", "/sensors/\(sensor)/alarms", #"{"alarm":"smoke"}"#)
        #expect(first.contains(#""longitude":120.1"#), "\(first)")
        _ = try call("POST", "/sensors/\(sensor)/alarms", #"{"alarm":"smoke","active":false}"#)
        _ = try call("PUT", "/sensors/\(sensor)", #"{"name":"door","kind":"door","longitude":121.5,"latitude":31.2}"#)
        let moved = try call("POST", "/sensors/\(sensor)/alarms", #"{"alarm":"smoke"}"#)
        #expect(moved.contains(#""longitude":121.5"#), "the alarm keeps the sensor's old place: \(moved)")

        await service.shutDown()
        try await running.value
    }

    /// An RTSP server that answers every request with a Basic challenge and logs any `Authorization` it receives.
    static let lure = """
        import socket, sys, threading
        server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(16)
        print("port", server.getsockname()[1], flush=True)
        def serve(connection):
            data = b""
            while True:
                chunk = connection.recv(4096)
                if not chunk: return
                data += chunk
                while b"\\r\\n\\r\\n" in data:
                    request, data = data.split(b"\\r\\n\\r\\n", 1)
                    lines = request.decode("latin-1").split("\\r\\n")
                    cseq = next((l.split(":", 1)[1].strip() for l in lines if l.lower().startswith("cseq:")), "1")
                    print("request", lines[0], flush=True)
                    for line in lines:
                        if line.lower().startswith("authorization:"): print("received", line, flush=True)
                    connection.sendall(("RTSP/1.0 401 Unauthorized\\r\\nCSeq: %s\\r\\n"
                        "WWW-Authenticate: Basic realm=\\"lure\\"\\r\\n\\r\\n" % cseq).encode())
        while True:
            connection, _ = server.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
        """

    /// Issue 13, item 2: an admin token pointed a camera at its own server and received the camera's password.
    @Test("a camera pointed at another server through the API does not take its stored password there")
    func credentialsAreNotLuredOut() async throws {
        let simulator = try CameraSimulator(cameras: ["cam1"])
        let withCredentials = simulator.url("cam1").replacingOccurrences(of: "rtsp://", with: "rtsp://admin:s3cret@")
        let (directory, registry, access, token) = try Self.dataDirectory(cameraURL: withCredentials)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lure = try BackgroundProgram("/usr/bin/python3", ["-c", Self.lure], log: directory + "/lure.log")
        defer { _ = lure.stop() }
        #expect(lure.waitForLog(10) { $0.contains("port ") })
        let lurePort = try #require(
            try String(contentsOfFile: lure.logPath, encoding: .utf8).split(separator: "\n").first?.split(separator: " ").last)
        let (service, port, running) = try Self.start(directory, registry: registry, access: access)
        // However the test ends: one that throws half-way must not leave its service running in the test process.
        defer { Task { await service.shutDown() } }
        #expect(await Self.eventually(15) { service.ingest.cameraStatuses.first?.state == .streaming })
        let listening = try #require(port.value)

        let answer = try ProcessRunner.check(
            "curl",
            [
                "-sS", "-f", "-m", "20", "-X", "PATCH", "-H", "Authorization: Bearer \(token)", "-H",
                "Content-Type: application/json",
                "--data", #"{"mainUrl":"rtsp://127.0.0.1:\#(lurePort)/stream"}"#,
                "http://127.0.0.1:\(listening)/api/cameras/\(Self.camera)",
            ])
        #expect(answer.contains(#""credentialsDropped":["main"]"#), "\(answer)")
        // The worker reconnects to the new URL and meets the challenge.
        #expect(lure.waitForLog(10) { $0.contains("request ") })
        #expect(await Self.eventually(10) { service.ingest.cameraStatuses.first?.state == .offline })
        let log = try String(contentsOfFile: lure.logPath, encoding: .utf8)
        #expect(!log.contains("received"), "the camera's password was sent to the new server: \(log)")
        let audit = try access.auditTrail(limit: 10).first { $0.action == "camera.update" }
        #expect(audit?.detail?.contains("credentials dropped (main)") == true, "\(String(describing: audit))")

        await service.shutDown()
        try await running.value
    }

    /// Issue 13, item 8: event streams outlived the revocation of their token and were unlimited in number.
    @Test("event streams are capped per token and end when their token is revoked, by the API or by another process")
    func eventStreamsFollowRevocation() async throws {
        let (directory, registry, access, token) = try Self.dataDirectory(cameraURL: "rtsp://127.0.0.1:9/none")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (service, port, running) = try Self.start(directory, registry: registry, access: access)
        // However the test ends: one that throws half-way must not leave its service running in the test process.
        defer { Task { await service.shutDown() } }
        #expect(await Self.eventually(10) { port.value != nil })
        let base = "http://127.0.0.1:\(try #require(port.value))/api"
        func stream(_ bearer: String, _ name: String) throws -> BackgroundProgram {
            try BackgroundProgram(
                "/usr/bin/curl",
                ["-s", "-N", "-o", "/dev/null", "-H", "Authorization: Bearer \(bearer)", base + "/events/stream"],
                log: directory + "/\(name).log")
        }
        let metrics = base.replacingOccurrences(of: "/api", with: "/metrics")
        let streamsOpen: @Sendable () -> Int? = {
            let text = try? ProcessRunner.check("curl", ["-sf", "-m", "20", "-H", "Authorization: Bearer \(token)", metrics])
            return text?.split(separator: "\n").first { $0.hasPrefix("skygate_event_streams ") }
                .flatMap { Double($0.split(separator: " ")[1]) }.map { Int($0) }
        }
        let viewer = try access.createToken(name: "wall", role: .viewer, actor: "test", source: "test")
        let streams = try (1...4).map { try stream(viewer.token, "wall\($0)") }
        #expect(await Self.eventually(5) { streamsOpen() == 4 })
        let fifth = try ProcessRunner.run(
            "curl",
            [
                "-s", "--max-time", "3", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(viewer.token)",
                base + "/events/stream",
            ])
        #expect(fifth.standardOutput == "429", "a fifth stream of one token: \(fifth.standardOutput)")

        // Revoked by another process (the CLI writes access.sqlite): the streams end within the recheck interval.
        _ = try access.revoke(id: viewer.record.id, actor: "cli:test", source: "cli")
        #expect(await Self.waitUntil(8) { streams.allSatisfy { $0.status != nil } }, "streams outlived the revocation")

        // Revoked through the API: at once.
        let other = try access.createToken(name: "desk", role: .viewer, actor: "test", source: "test")
        let desk = try stream(other.token, "desk")
        #expect(await Self.eventually(5) { streamsOpen() == 1 })
        _ = try ProcessRunner.check(
            "curl",
            ["-sf", "-m", "20", "-X", "DELETE", "-H", "Authorization: Bearer \(token)", base + "/tokens/\(other.record.id)"])
        #expect(await Self.waitUntil(1) { desk.status != nil }, "a stream outlived its token's revocation through the API")

        await service.shutDown()
        try await running.value
    }

    /// The port a service listens on, once it does.
    final class ListeningPort: Sendable {
        private let port = Mutex<Int?>(nil)
        var value: Int? { port.withLock { $0 } }
        func set(_ value: Int) { port.withLock { $0 = value } }
    }

    /// The service of `directory` started in this process: it, its port once listening, and its running task.
    static func start(_ directory: String, registry: Registry, access: AccessStore) throws -> (
        SkygateService, ListeningPort, Task<Void, any Error>
    ) {
        let port = ListeningPort()
        let service = try SkygateService(
            configuration: configuration(directory), registry: registry, access: access, logger: Logger(label: "test")
        ) { listening in port.set(listening) }
        return (service, port, Task { try await service.run() })
    }

    /// Polls `condition` (which may use this test's own, non-`Sendable` values) every 50 ms for up to `seconds`.
    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    /// Polls `condition` every 50 ms for up to `seconds`.
    static func eventually(_ seconds: Double, _ condition: @Sendable () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}
