import Foundation
import Ingest
import TestSupport
import Testing

/// Issue 16: patrol inspection through the binary: `skygate serve` patrols, `skygate patrol …` and `camera show` tell.
@Suite("Patrol inspection, live through the CLI", .serialized)
struct LivePatrolTests {
    @Test("serve patrols the cameras in patrol mode; patrol status, patrol visits and camera show report the visits")
    func patrolThroughTheCLI() async throws {
        let simulator = try CameraSimulator(cameras: ["p1", "p2"])
        let closedPort = try SilentListener().port
        let directory = try GatewayProcess.registry([
            ("p1", simulator.url("p1")), ("p2", simulator.url("p2")), ("gone", "rtsp://127.0.0.1:\(closedPort)/gone"),
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for camera in ["p1", "p2", "gone"] {
            let set = try SkygateBinary.run(["camera", "set-mode", camera, "patrol", "--data-dir", directory])
            #expect(set.status == 0, "\(set.standardError)")
        }
        let before = try SkygateBinary.run(["patrol", "status", "--data-dir", directory]).standardOutput
        #expect(before.contains("no round yet") && before.contains("3 never visited"), "\(before)")

        let gateway = try GatewayProcess(
            dataDirectory: directory,
            arguments: ["--patrol-plan", "00:00=3s", "--patrol-keyframes", "2", "--patrol-per-host", "2"])
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601withFractions
        func report() throws -> PatrolReport {
            try decoder.decode(
                PatrolReport.self, from: Data(try gateway.command(["patrol", "status", "--json"]).standardOutput.utf8))
        }
        // Polled with an async sleep: a blocking wait would hold one of the two cooperative threads for half a minute.
        var settled = false
        for _ in 0..<60 where !settled {
            let current = try report()
            settled = current.outcomes == ["ok": 2, "unreachable": 1] && (current.progress?.round ?? 0) >= 2
            if !settled { try await Task.sleep(for: .milliseconds(500)) }
        }
        let last = try report()
        #expect(settled, "\(last.outcomes) \(last.progress as Any)")

        let status = try gateway.command(["patrol", "status"]).standardOutput
        #expect(status.contains("3 cameras in patrol mode; latest visits: 2 ok, 1 unreachable"), "\(status)")
        #expect(status.contains("refused") && status.contains("h264 320×240"), "\(status)")
        let visits = try gateway.command(["patrol", "visits", "p1", "--csv"]).standardOutput.split(separator: "\n")
        #expect(visits.count >= 2 && visits.dropFirst().allSatisfy { $0.contains(",ok,,2,h264 320×240,") }, "\(visits)")
        let shown = try gateway.command(["camera", "show", "p1"]).standardOutput
        #expect(shown.contains("mode        patrol") && shown.contains("last visit") && shown.contains("2 keyframes"), "\(shown)")
        // Nothing of a patrolled camera is recorded.
        #expect(!FileManager.default.fileExists(atPath: directory + "/segments/p1"))
        #expect(gateway.stop() == 0)
    }
}
