import Foundation
import TestSupport
import Testing

/// `skygate sensor alarm` and `skygate events …` against a real data directory (no service running: the CLI writes
/// and reads the event store itself, as it does beside a running service).
@Suite("Event commands")
struct EventCommandTests {
    static let sensor = "33019900001340000001"

    static func scratch() throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-cli-events-\(UUID().uuidString)").path
        let result = try SkygateBinary.run(["registry", "import", RegistryCommandTests.demo, "--data-dir", path])
        guard result.status == 0 else { throw TestSupportError("import: \(result.standardError)") }
        return ["--data-dir", path]
    }

    static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test("a sensor alarm is linked like a camera event; a repeated key records nothing; clear ends it; bad input is refused")
    func sensorAlarm() throws {
        let data = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: data[1]) }
        let first = try SkygateBinary.run(
            ["sensor", "alarm", Self.sensor, "--kind", "smoke", "--key", "ctl-1", "--at", "@1800000000", "--json"] + data)
        #expect(first.status == 0, "\(first.standardError)")
        let event = try #require(try Self.json(first.standardOutput) as? [String: Any])
        let id = try #require(event["id"] as? String)
        #expect(event["kind"] as? String == "sensor_alarm" && event["reason"] as? String == "smoke")
        let location = try #require(event["location"] as? [String: Any])
        let grids = (location["grids"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        let shown = try SkygateBinary.run(["sensor", "show", Self.sensor] + data)
        #expect(grids.last == "YX" && grids.count >= 2, "finest grid first, up to the district: \(grids)")
        #expect(shown.standardOutput.contains(grids[0]))

        let again = try SkygateBinary.run(["sensor", "alarm", Self.sensor, "--kind", "smoke", "--key", "ctl-1"] + data)
        #expect(again.status == 0 && again.standardOutput.contains(id) && again.standardOutput.contains("nothing new"))
        #expect(try SkygateBinary.run(["events", "list", "--json"] + data).standardOutput.components(separatedBy: id).count == 2)

        let cleared = try SkygateBinary.run(
            ["sensor", "alarm", Self.sensor, "--kind", "smoke", "--clear", "--key", "ctl-2"] + data)
        #expect(cleared.status == 0 && cleared.standardOutput.contains("\(id)") && cleared.standardOutput.contains("cleared"))
        let clearTwice = try SkygateBinary.run(["sensor", "alarm", Self.sensor, "--kind", "smoke", "--clear"] + data)
        #expect(clearTwice.status == 65 && clearTwice.standardError.contains("no open alarm"))
        let unknown = try SkygateBinary.run(["sensor", "alarm", "33019900001340009999", "--kind", "smoke"] + data)
        #expect(unknown.status == 65 && unknown.standardError.contains("no sensor"))
        let badKind = try SkygateBinary.run(["sensor", "alarm", Self.sensor, "--kind", "Smoke Alarm!"] + data)
        #expect(badKind.status == 64 && badKind.standardError.contains("--kind"))
        // Both transitions are queued for the sinks the service exports to (none configured here: none queued).
        let outbox = try SkygateBinary.run(["events", "outbox", "--json"] + data)
        #expect(outbox.status == 0)
    }

    @Test("events list filters by grid (with the grids below), key location, kind, state and time; show and export agree")
    func listAndExport() throws {
        let data = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: data[1]) }
        let sensors = try SkygateBinary.run(["sensor", "list", "--json"] + data)
        let all = try #require(try Self.json(sensors.standardOutput) as? [[String: Any]])
        // Two sensors in different grids, alarms at known times.
        let placed = all.filter { ($0["grid"] as? String) != nil || ($0["gridPath"] as? [Any])?.isEmpty == false }
        #expect(placed.count >= 2)
        var ids: [String] = []
        for (index, sensor) in all.prefix(4).enumerated() {
            let id = try #require(sensor["id"] as? String)
            let result = try SkygateBinary.run(
                ["sensor", "alarm", id, "--kind", index % 2 == 0 ? "smoke" : "gas", "--at", "@\(1_800_000_000 + index * 100)"]
                    + data)
            #expect(result.status == 0, "\(result.standardError)")
            ids.append(id)
        }
        _ = try SkygateBinary.run(["sensor", "alarm", ids[0], "--kind", "smoke", "--clear", "--at", "@1800000050"] + data)
        func list(_ arguments: [String]) throws -> [[String: Any]] {
            let result = try SkygateBinary.run(["events", "list", "--json"] + arguments + data)
            #expect(result.status == 0, "\(arguments): \(result.standardError)")
            return (try Self.json(result.standardOutput) as? [[String: Any]]) ?? []
        }
        #expect(try list([]).count == 4)
        #expect(try list(["--grid", "YX"]).count == 4, "the district holds every grid")
        #expect(try list(["--open"]).count == 3 && list(["--cleared"]).count == 1)
        #expect(try list(["--kind", "sensor_alarm", "--from", "@1800000060", "--to", "@1800000250"]).count == 2)
        #expect(try list(["--device", ids[1]]).map { $0["device"] as? String } == [ids[1]])
        let one = try #require(try list(["--device", ids[2]]).first)
        let finest = try #require(((one["location"] as? [String: Any])?["grids"] as? [[String: Any]])?.first?["id"] as? String)
        let inFinest = try list(["--grid", finest])
        #expect(inFinest.contains { $0["device"] as? String == ids[2] } && inFinest.count < 4)
        let show = try SkygateBinary.run(["events", "show", try #require(one["id"] as? String)] + data)
        #expect(show.status == 0 && show.standardOutput.contains(ids[2]))
        #expect(try SkygateBinary.run(["events", "show", "no-such-event"] + data).status == 66)
        let bad = try SkygateBinary.run(["events", "list", "--kind", "fire"] + data)
        #expect(bad.status == 64 && bad.standardError.contains("sensor_alarm"))

        let file = data[1] + "/events.ndjson"
        #expect(try SkygateBinary.run(["events", "export", "-o", file, "--open"] + data).status == 0)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines.allSatisfy { (try? Self.json(String($0))) != nil })
        let csv = try SkygateBinary.run(["events", "export", "--format", "csv"] + data)
        #expect(csv.standardOutput.split(separator: "\n").first?.hasPrefix("id,device,kind,state,since") == true)
        #expect(csv.standardOutput.split(separator: "\n").count == 5)
    }
}
