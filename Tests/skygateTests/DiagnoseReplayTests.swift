import Archive
import Events
import Foundation
import MediaIO
import TestSupport
import Testing

/// Issue 17, items 1 and 3, live: one gateway, four cameras on the simulator.
/// - Backtesting: two cameras record the "dark" fault clip side by side, one with the default thresholds and one
///   raising and clearing after 10 keyframes instead of 3 (its own entry in the detector configuration). Replaying each
///   one's stored history with the thresholds it ran with gives exactly its stored events; replaying the first one's
///   history with the second one's thresholds predicts what the second one raised.
/// - IR-cut: two cameras stream the greyscale fault clip, one where the sun is high now and one where it is midnight
///   (longitudes worked out from this machine's clock, on the equator: the sun about 66° up or down whatever the
///   season). The first raises IR-cut once and clears it when colour returns; the second raises nothing.
@Suite("Detectors live: replay and IR-cut")
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

    /// The longitude where local solar time is `hour` now (within the equation of time's quarter of an hour).
    static func longitude(solarHour hour: Double, now: Date = Date()) -> Double {
        let utcHours = now.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3600
        var longitude = (hour - utcHours) * 15
        while longitude > 180 { longitude -= 360 }
        while longitude <= -180 { longitude += 360 }
        return longitude
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

    @Test("replay gives back each camera's events and predicts other thresholds; IR-cut by day, not at night")
    func replayAndIRCut() throws {
        let (dark, grey) = (try Fixtures.makeMediaClip("dark"), try Fixtures.makeMediaClip("greyscale"))
        let ids = ["33019900001320000081", "33019900001320000082", "33019900001320000071", "33019900001320000072"]
        let simulator = try CameraSimulator(cameras: ids, clips: [ids[0]: dark, ids[1]: dark, ids[2]: grey, ids[3]: grey])
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-replay-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        // Never night by the clock (the dark clip is judged by day's threshold whatever the hour here); the second
        // camera raises and clears after 10 keyframes.
        let detectors = data + "-detectors.json"
        try """
        {"default": {"nightStarts": 0, "nightEnds": 0},
         "cameras": {"\(ids[1])": {"raiseAfter": 10, "clearAfter": 10}}}
        """.write(toFile: detectors, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: detectors) }
        let places = [(120.1, 30.25), (120.1, 30.25), (Self.longitude(solarHour: 12), 0), (Self.longitude(solarHour: 0), 0)]
        for (id, place) in zip(ids, places) {
            // "--longitude=-120.5": a separate negative number would read as an option.
            let added = try SkygateBinary.run([
                "camera", "add", id, "--name", id, "--url", simulator.url(id), "--longitude=\(place.0)",
                "--latitude=\(place.1)", "--data-dir", data,
            ])
            #expect(added.status == 0, "\(added.standardError)")
        }
        let gateway = try GatewayProcess(dataDirectory: data, arguments: ["--detectors", detectors])
        defer { _ = gateway.stop() }
        // The clips' faults run from 30 s to 90 s; the slow camera clears 10 keyframes (one a second) after.
        let store = try EventStore(path: data + "/events.sqlite")
        func cleared(_ camera: String) throws -> Bool {
            try store.events(EventQuery(device: camera)).contains { $0.clearedAt != nil }
        }
        let deadline = Date() + 130
        while Date() < deadline, try !(cleared(ids[0]) && cleared(ids[1]) && cleared(ids[2])) {
            Thread.sleep(forTimeInterval: 1)
        }
        // A little longer: a keyframe's time is the camera's timeline anchored to the gateway's clock, which a burst at
        // the start of a stream puts a few seconds ahead; the stop (on the gateway's clock) must come after the
        // keyframes that cleared the faults, as it did live.
        Thread.sleep(forTimeInterval: 6)
        #expect(gateway.stop() == 0)
        try Self.checkReplays(gateway, ids: ids, detectors: detectors)
        try Self.checkIRCut(store, data: data, day: ids[2], night: ids[3])
    }

    static func checkReplays(_ gateway: GatewayProcess, ids: [String], detectors: String) throws {
        // The thresholds in force: each camera's stored events, exactly; the IR-cut camera's too (the sun from its
        // registered position).
        for (camera, kind) in [(ids[0], "too_dark"), (ids[1], "too_dark"), (ids[2], "ir_cut")] {
            let comparison = try replay(gateway, camera: camera, ["--detectors", detectors])
            #expect(comparison.rows.map(\.kind) == [kind], "\(camera): \(comparison.text)")
            #expect(comparison.rows.allSatisfy { $0.outcome == "same" }, "\(camera): \(comparison.text)")
        }
        // The first camera's history under the second one's thresholds: the same fault, raised and cleared 7 keyframes
        // later; as the second camera raised and cleared it, counted from the fault's first keyframe.
        let predicted = try replay(
            gateway, camera: ids[0], ["--detectors", detectors, "--set", "raiseAfter=10", "--set", "clearAfter=10"])
        let prediction = try #require(predicted.rows.first)
        #expect(predicted.rows.count == 1 && prediction.outcome == "changed", "\(predicted.text)")
        let live = try #require(try replay(gateway, camera: ids[1], ["--detectors", detectors]).rows.first?.stored)
        let replayed = try #require(prediction.replayed)
        let storedFirst = try #require(prediction.stored)
        #expect(
            replayed.raisedAt.timeIntervalSince(replayed.since) > storedFirst.raisedAt.timeIntervalSince(storedFirst.since) + 5)
        let raiseGap = replayed.raisedAt.timeIntervalSince(replayed.since) - live.raisedAt.timeIntervalSince(live.since)
        #expect(abs(raiseGap) <= 1.5, "raised \(raiseGap) s from the live run's, counted from the fault's start")
        let clearGap =
            (replayed.clearedAt ?? .distantFuture).timeIntervalSince(replayed.since)
            - (live.clearedAt ?? .distantPast).timeIntervalSince(live.since)
        #expect(abs(clearGap) <= 1.5, "cleared \(clearGap) s from the live run's, from the fault's start: \(predicted.text)")
    }

    static func checkIRCut(_ store: EventStore, data: String, day: String, night: String) throws {
        let index = RecordingIndex(store: try ArchiveDatabase(path: data + "/archive.sqlite"))
        let first = try #require(try index.oldestKeyframe(camera: day)?.wallClock)
        let events = try store.events(EventQuery(device: day))
        #expect(events.map(\.kind) == [.irCut], "\(events.map { "\($0.kind.rawValue) \($0.since.timeIntervalSince(first))" })")
        if let event = events.first {
            let raised = event.raisedAt.timeIntervalSince(first)
            let cleared = event.clearedAt.map { $0.timeIntervalSince(first) } ?? .infinity
            #expect(raised >= 30 && raised <= 30 + 2 + 3 + 1, "raised at \(raised) s")
            #expect(cleared >= 90 && cleared <= 90 + 2 + 3 + 1, "cleared at \(cleared) s")
            #expect((event.evidence["sunElevation"] ?? 0) > 60 && (event.evidence["saturation"] ?? 99) < 2)
        }
        let nightEvents = try store.events(EventQuery(device: night))
        #expect(nightEvents.isEmpty, "night camera: \(nightEvents.map(\.kind.rawValue))")
        #expect(try index.oldestKeyframe(camera: night) != nil, "the night camera streamed too")
    }
}
