import Foundation
import TestSupport
import Testing

/// Issue 17, item 2: `skygate events review` and `skygate events reviews` against a real data directory.
@Suite("Event review commands")
struct EventReviewCommandTests {
    @Test("verdicts from the command line are kept, listed, tallied with a suggestion once a habit, and audited")
    func reviewFromTheCommandLine() throws {
        let data = try EventCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: data[1]) }
        let sensor = EventCommandTests.sensor
        var ids: [String] = []
        for number in 0..<4 {
            let at = "@\(1_800_000_000 + number * 100)"
            let raised = try SkygateBinary.run(["sensor", "alarm", sensor, "--kind", "smoke", "--at", at, "--json"] + data)
            let event = try #require(try EventCommandTests.json(raised.standardOutput) as? [String: Any])
            ids.append(try #require(event["id"] as? String))
            #expect(try SkygateBinary.run(["sensor", "alarm", sensor, "--kind", "smoke", "--clear"] + data).status == 0)
        }
        let first = try SkygateBinary.run(
            ["events", "review", ids[0], "--verdict", "false", "--note", "the caretaker's test"] + data)
        #expect(first.status == 0 && first.standardOutput.contains("a false alarm"), "\(first.standardError)")
        #expect(try SkygateBinary.run(["events", "reviews", "--csv"] + data).standardOutput.contains(",sensor_alarm,4,0,1,3,"))
        for id in ids.dropFirst(1).prefix(2) {
            #expect(try SkygateBinary.run(["events", "review", id, "--verdict", "false"] + data).status == 0)
        }
        #expect(try SkygateBinary.run(["events", "review", ids[3], "--verdict", "confirmed"] + data).status == 0)

        // The listing's last column is the verdict; the tally, read with Python's csv module, has the suggestion.
        let listed = try SkygateBinary.run(["events", "list", "--csv"] + data).standardOutput
        let listing = data[1] + "/events.csv"
        try listed.write(toFile: listing, atomically: true, encoding: .utf8)
        let verdicts = try ProcessRunner.check(
            "python3", ["-c", "import csv, sys; print(sorted(r['review'] for r in csv.DictReader(open(sys.argv[1]))))", listing])
        #expect(verdicts.contains("['confirmed', 'false', 'false', 'false']"), "\(verdicts) \(listed)")
        let tallies = data[1] + "/reviews.csv"
        try SkygateBinary.run(["events", "reviews", "--csv"] + data).standardOutput
            .write(toFile: tallies, atomically: true, encoding: .utf8)
        let row = try ProcessRunner.check(
            "python3",
            [
                "-c",
                "import csv, sys; r = next(csv.DictReader(open(sys.argv[1]))); "
                    + "print(r['events'], r['confirmed'], r['false'], r['suggestion'])",
                tallies,
            ])
        #expect(row.hasPrefix("4 1 3 3 of 4 reviewed sensor_alarm alarms were false: check the sensor"), "\(row)")
        // Only events raised in the range: the first two.
        let window = try SkygateBinary.run(
            ["events", "reviews", "--json", "--from", "@1800000000", "--to", "@1800000150"] + data)
        let counted = try #require(try EventCommandTests.json(window.standardOutput) as? [[String: Any]])
        #expect(counted.first?["events"] as? Int == 2 && counted.first?["suggestion"] == nil, "\(counted)")

        let audit = try SkygateBinary.run(["audit", "list", "--action", "event.review", "--json"] + data)
        let rows = try #require(try EventCommandTests.json(audit.standardOutput) as? [[String: Any]])
        #expect(rows.map { $0["detail"] as? String } == ["false", "false", "false", "confirmed"], "\(rows)")
        #expect(rows.allSatisfy { ($0["actor"] as? String)?.hasPrefix("cli:") == true })

        let unreviewed = try SkygateBinary.run(["events", "list", "--review", "none", "--json"] + data)
        #expect((try EventCommandTests.json(unreviewed.standardOutput) as? [Any])?.isEmpty == true, "all four reviewed")
        let falseOnes = try SkygateBinary.run(["events", "list", "--review", "false", "--json"] + data)
        #expect((try EventCommandTests.json(falseOnes.standardOutput) as? [Any])?.count == 3)
        let badVerdict = try SkygateBinary.run(["events", "review", ids[0], "--verdict", "maybe"] + data)
        #expect(badVerdict.status == 64 && badVerdict.standardError.contains("confirmed or false"))
        let badNote = try SkygateBinary.run(["events", "review", ids[0], "--verdict", "false", "--note", "\u{1B}[2J"] + data)
        #expect(badNote.status == 64 && badNote.standardError.contains("control"))
        let unknown = try SkygateBinary.run(["events", "review", "no-such-event", "--verdict", "false"] + data)
        #expect(unknown.status == 66 && unknown.standardError.contains("no event"))
        let after = try SkygateBinary.run(["audit", "list", "--action", "event.review", "--json"] + data)
        #expect((try EventCommandTests.json(after.standardOutput) as? [Any])?.count == 4, "refusals change nothing")
    }
}
