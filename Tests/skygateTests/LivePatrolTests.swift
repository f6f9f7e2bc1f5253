import Archive
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
        // --watch redraws the progress until stopped; off a terminal, a line per change and no bar.
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: SkygateBinary.path)
        watcher.arguments = ["patrol", "status", "--watch", "--data-dir", directory]
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        watcher.standardOutput = try FileHandle(forWritingTo: output)
        try watcher.run()
        // Until its first line, however slow the machine, then a little longer.
        var printed = ""
        for _ in 0..<100 where !printed.contains("\n") {
            try await Task.sleep(for: .milliseconds(200))
            printed = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        }
        try await Task.sleep(for: .seconds(1.5))
        watcher.terminate()
        watcher.waitUntilExit()
        let lines = ((try? String(contentsOf: output, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(
            !lines.isEmpty && lines.allSatisfy { $0.hasPrefix("round ") && $0.contains(" of 3 cameras visited") }
                && !lines.contains { $0.contains("█") }, "\(lines)")
        let visits = try gateway.command(["patrol", "visits", "p1", "--csv"]).standardOutput.split(separator: "\n")
        #expect(visits.count >= 2 && visits.dropFirst().allSatisfy { $0.contains(",ok,,2,h264 320×240,") }, "\(visits)")
        // The simulator's encoder declares 25 frames/s in its SPS, shown in brackets after the delivered rate.
        let declaredColumn = visits.first?.split(separator: ",").firstIndex(of: "declared fps")
        #expect(
            declaredColumn.map { column in
                visits.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[column] == "25" }
            } == true,
            "\(visits)")
        // The simulator's clock is this machine's: a visit that saw a sender report shows about +0.0, else "-" (which the
        // CSV writes as "'-", lest a spreadsheet take it for a formula).
        let clockColumn = visits.first?.split(separator: ",").firstIndex(of: "clock s")
        #expect(
            clockColumn.map { column in
                visits.dropFirst().allSatisfy {
                    let text = $0.split(separator: ",", omittingEmptySubsequences: false)[column]
                    return text == "'-" || Double(text).map { abs($0) < 1 } == true
                }
            } == true,
            "\(visits)")
        // RTSP over TCP from a camera that drops nothing: no packet lost, counted (not "-").
        let lostColumn = visits.first?.split(separator: ",").firstIndex(of: "lost packets")
        #expect(
            lostColumn.map { column in
                visits.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[column] == "0" }
            } == true,
            "\(visits)")
        let shown = try gateway.command(["camera", "show", "p1"]).standardOutput
        #expect(
            shown.contains("mode        patrol") && shown.contains("last visit") && shown.contains("2 keyframes")
                && shown.contains(", 0 packets lost"), "\(shown)")
        // Nothing of a patrolled camera is recorded.
        #expect(!FileManager.default.fileExists(atPath: directory + "/segments/p1"))
        #expect(gateway.stop() == 0)
    }

    @Test("patrol rounds lists a finished round; patrol run-now has the running service visit again at once, audited")
    func roundsAndRunNow() async throws {
        let simulator = try CameraSimulator(cameras: ["p1", "p2"])
        let directory = try GatewayProcess.registry([("p1", simulator.url("p1")), ("p2", simulator.url("p2"))])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for camera in ["p1", "p2"] {
            #expect(try SkygateBinary.run(["camera", "set-mode", camera, "patrol", "--data-dir", directory]).status == 0)
        }
        #expect(try SkygateBinary.run(["patrol", "rounds", "--data-dir", directory]).standardOutput.contains("no round"))
        // An hour between visits: after the first round, only a request brings the cameras back.
        let gateway = try GatewayProcess(
            dataDirectory: directory, arguments: ["--patrol-plan", "00:00=1h", "--patrol-keyframes", "2"])
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601withFractions
        func rounds() throws -> [PatrolRound] {
            try decoder.decode(
                [PatrolRound].self, from: Data(try gateway.command(["patrol", "rounds", "--json"]).standardOutput.utf8))
        }
        func visits(_ camera: String) throws -> Int {
            try gateway.command(["patrol", "visits", camera, "--csv"]).standardOutput.split(separator: "\n").count - 1
        }
        var finished: [PatrolRound] = []
        for _ in 0..<60 where finished.isEmpty {
            finished = try rounds()
            if finished.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(finished.count == 1 && finished.first?.cameras == 2 && finished.first?.ok == 2, "\(finished)")
        #expect(try visits("p1") == 1 && (try visits("p2")) == 1)

        let asked = try gateway.command(["patrol", "run-now"])
        #expect(asked.status == 0 && asked.standardOutput.contains("2 patrol cameras"), "\(asked.standardError)")
        var again = false
        for _ in 0..<40 where !again {
            again = try visits("p1") == 2 && (try visits("p2")) == 2
            if !again { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(again, "the cameras were not visited again after run-now")
        let audit = try gateway.command(["audit", "list"]).standardOutput
        #expect(audit.contains("patrol.run-now"), "\(audit)")
        let unknown = try gateway.command(["patrol", "run-now", "--grid", "NOWHERE"])
        #expect(unknown.status != 0 && unknown.standardError.contains("no grid NOWHERE"), "\(unknown.standardError)")
        #expect(gateway.stop() == 0)
    }
}
