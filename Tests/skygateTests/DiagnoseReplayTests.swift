import Events
import Foundation
import MediaIO
import TestSupport
import Testing

/// Issue 17, item 3: backtesting. Two gateways record the same fault clip side by side, one with the default
/// thresholds and one raising and clearing after 10 keyframes instead of 3. Replaying each one's stored history with
/// the thresholds it ran with gives exactly its stored events; replaying the first one's history with the second
/// one's thresholds predicts what the second one raised.
@Suite("Detector replay")
struct DiagnoseReplayTests {
    struct Row: Decodable {
        var outcome: String
        var kind: String
        var replayed: Times?
        var stored: Times?
    }

    struct Times: Decodable {
        var since: Date
        var raisedAt: Date
        var clearedAt: Date?
    }

    struct Comparison: Decodable {
        var rows: [Row]
        /// What the command printed, for a failure's message.
        var text = ""

        enum CodingKeys: String, CodingKey { case rows }
    }

    /// `skygate diagnose replay` of `camera` over everything stored, as JSON.
    static func replay(_ gateway: GatewayProcess, camera: String, _ extra: [String]) throws -> Comparison {
        let result = try gateway.command(
            [
                "diagnose", "replay", "--camera", camera, "--from", "now-1h", "--to",
                "@\(Int(Date().timeIntervalSince1970) + 60)", "--json",
            ] + extra)
        #expect(result.status == 0, "\(result.standardError)")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = TimeText.parse(text) else { throw TestSupportError("not a time: \(text)") }
            return date
        }
        var comparison = try decoder.decode(Comparison.self, from: Data(result.standardOutput.utf8))
        comparison.text = result.standardOutput
        return comparison
    }

    @Test("replay reproduces each live run's events, and with changed thresholds predicts the run that had them")
    func replayAgainstLive() throws {
        let clip = try Fixtures.makeMediaClip("dark")
        let ids = ["33019900001320000081", "33019900001320000082"]
        let simulator = try CameraSimulator(cameras: ids, clips: [ids[0]: clip, ids[1]: clip])
        let detectors = FileManager.default.temporaryDirectory.appendingPathComponent("detectors-\(UUID()).json").path
        try #"{"default": {"raiseAfter": 10, "clearAfter": 10}}"#.write(toFile: detectors, atomically: true, encoding: .utf8)
        let directories = try ids.map { try GatewayProcess.registry([($0, simulator.url($0))]) }
        defer {
            for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
            try? FileManager.default.removeItem(atPath: detectors)
        }
        let gateways = [
            try GatewayProcess(dataDirectory: directories[0]),
            try GatewayProcess(dataDirectory: directories[1], arguments: ["--detectors", detectors]),
        ]
        // The clip darkens from 30 s to 90 s; the second gateway clears 10 keyframes (one a second) after it ends.
        let deadline = Date() + 130
        func cleared(_ index: Int) throws -> Bool {
            let store = try EventStore(path: directories[index] + "/events.sqlite")
            return try store.events(EventQuery(device: ids[index])).contains { $0.kind == .tooDark && $0.clearedAt != nil }
        }
        while Date() < deadline, try !(cleared(0) && cleared(1)) { Thread.sleep(forTimeInterval: 1) }
        // A little longer: a keyframe's time is the camera's timeline anchored to the gateway's clock, which a burst at
        // the start of a stream puts a few seconds ahead; the stop (on the gateway's clock) must come after the
        // keyframes that cleared the fault, as it did live.
        Thread.sleep(forTimeInterval: 6)
        for gateway in gateways { _ = gateway.stop() }

        // The thresholds in force: each run's stored events, exactly.
        let first = try Self.replay(gateways[0], camera: ids[0], [])
        let second = try Self.replay(gateways[1], camera: ids[1], ["--detectors", detectors])
        for (name, comparison) in [("defaults", first), ("raise and clear after 10", second)] {
            #expect(comparison.rows.map(\.kind) == ["too_dark"], "\(name): \(comparison.rows.map { ($0.outcome, $0.kind) })")
            #expect(comparison.rows.allSatisfy { $0.outcome == "same" }, "\(name): \(comparison.text)")
        }

        // The first run's history under the second run's thresholds: the same fault, raised and cleared 7 keyframes
        // later; as the second run raised and cleared it, counted from the fault's first keyframe.
        let predicted = try Self.replay(gateways[0], camera: ids[0], ["--set", "raiseAfter=10", "--set", "clearAfter=10"])
        let prediction = try #require(predicted.rows.first)
        #expect(predicted.rows.count == 1 && prediction.outcome == "changed")
        let live = try #require(second.rows.first?.stored)
        let replayed = try #require(prediction.replayed)
        let storedFirst = try #require(prediction.stored)
        #expect(
            replayed.raisedAt.timeIntervalSince(replayed.since) > storedFirst.raisedAt.timeIntervalSince(storedFirst.since) + 5)
        let raiseGap = replayed.raisedAt.timeIntervalSince(replayed.since) - live.raisedAt.timeIntervalSince(live.since)
        #expect(abs(raiseGap) <= 1.5, "raised \(raiseGap) s from the live run's, counted from the fault's start")
        let clearGap =
            (replayed.clearedAt ?? .distantFuture).timeIntervalSince(replayed.since)
            - (live.clearedAt ?? .distantPast).timeIntervalSince(live.since)
        #expect(
            abs(clearGap) <= 1.5,
            "cleared \(clearGap) s from the live run's, from the fault's start: \(predicted.text) \(second.text)")
    }
}
