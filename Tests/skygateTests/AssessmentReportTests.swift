import Archive
import CameraRegistry
import Events
import Foundation
import Gateway
import Logging
import TestSupport
import Testing

/// Issue 17, item 4: the assessment report (考核) of a week made to order (`AssessmentWeek`) against figures worked out
/// by hand; its CSV read back by Python's csv module, its HTML page rendered, shot and printed by headless Chromium.
@Suite("Assessment report")
struct AssessmentReportTests {
    typealias Week = AssessmentWeek
    static let day = Week.day
    static let week = 7 * Week.day

    /// What each row must hold, worked out from the week's script (`AssessmentWeek`).
    struct Expected {
        var cameras: Int
        var monitored, online, faultFree, confirmed: Double
        var recorded, expectedRecording: Double
        var sized, hd, filed, clockChecked, clockAccurate, falseAlarms: Int
        /// kind: count, seconds, repaired, repair seconds.
        var faults: [EventKind: (Int, Double, Int, Double)]
    }

    static let c1 = Expected(
        cameras: 1, monitored: week, online: week - 7200, faultFree: week - 7200 - 600, confirmed: week - 7200,
        recorded: week - 7200, expectedRecording: week, sized: 1, hd: 1, filed: 1, clockChecked: 1, clockAccurate: 0,
        falseAlarms: 1, faults: [.offline: (1, 7200, 1, 7200), .clockOffset: (1, 600, 1, 600)])
    /// Disabled for day 3 (not expected to record then); too dark for a day, half of it while disabled.
    static let c2 = Expected(
        cameras: 1, monitored: week - day, online: week - day, faultFree: week - day - day / 2, confirmed: week - day,
        recorded: week - day, expectedRecording: week - day, sized: 1, hd: 0, filed: 0, clockChecked: 1, clockAccurate: 1,
        falseAlarms: 0, faults: [.tooDark: (1, day, 1, day)])
    /// Offline for the last two days, still open: not repaired.
    static let c3 = Expected(
        cameras: 1, monitored: week, online: week - 2 * day, faultFree: week - 2 * day, confirmed: week - 2 * day,
        recorded: 0, expectedRecording: 0, sized: 1, hd: 1, filed: 1, clockChecked: 1, clockAccurate: 1, falseAlarms: 0,
        faults: [.offline: (1, 2 * day, 0, 0)])
    /// Started on day 2: expected to record from then.
    static let c4 = Expected(
        cameras: 1, monitored: week - day, online: week - day, faultFree: week - day - 1800, confirmed: week - day - 1800,
        recorded: week - day, expectedRecording: week - day, sized: 0, hd: 0, filed: 0, clockChecked: 1, clockAccurate: 1,
        falseAlarms: 0, faults: [.frozen: (1, 1800, 1, 1800)])

    static func sum(_ parts: [Expected]) -> Expected {
        var total = Expected(
            cameras: 0, monitored: 0, online: 0, faultFree: 0, confirmed: 0, recorded: 0, expectedRecording: 0, sized: 0, hd: 0,
            filed: 0, clockChecked: 0, clockAccurate: 0, falseAlarms: 0, faults: [:])
        for part in parts {
            total.cameras += part.cameras
            total.monitored += part.monitored
            total.online += part.online
            total.faultFree += part.faultFree
            total.confirmed += part.confirmed
            total.recorded += part.recorded
            total.expectedRecording += part.expectedRecording
            total.sized += part.sized
            total.hd += part.hd
            total.filed += part.filed
            total.clockChecked += part.clockChecked
            total.clockAccurate += part.clockAccurate
            total.falseAlarms += part.falseAlarms
            for (kind, figures) in part.faults {
                let sum = total.faults[kind] ?? (0, 0, 0, 0)
                total.faults[kind] = (sum.0 + figures.0, sum.1 + figures.1, sum.2 + figures.2, sum.3 + figures.3)
            }
        }
        return total
    }

    static func check(_ row: AssessmentRow?, _ expected: Expected, _ what: String) {
        guard let row else {
            Issue.record("no row for \(what)")
            return
        }
        #expect(row.cameras == expected.cameras, "\(what)")
        #expect(row.monitoredSeconds == expected.monitored, "\(what) monitored")
        #expect(row.onlineSeconds == expected.online, "\(what) online")
        #expect(row.faultFreeSeconds == expected.faultFree, "\(what) fault-free")
        #expect(row.faultFreeConfirmedSeconds == expected.confirmed, "\(what) fault-free, confirmed only")
        #expect(row.recordedSeconds == expected.recorded, "\(what) recorded")
        #expect(row.recordingExpectedSeconds == expected.expectedRecording, "\(what) recording expected")
        #expect(row.sizedCameras == expected.sized && row.hdCameras == expected.hd, "\(what) HD")
        #expect(row.filedCameras == expected.filed, "\(what) filing")
        #expect(row.clockCheckedCameras == expected.clockChecked, "\(what) clock checked")
        #expect(row.clockAccurateCameras == expected.clockAccurate, "\(what) clock accurate")
        #expect(row.falseAlarms == expected.falseAlarms, "\(what) false alarms")
        let faults = row.faults.filter { $0.value.count > 0 }
        #expect(Set(faults.keys) == Set(expected.faults.keys), "\(what) fault kinds")
        for (kind, (count, seconds, repaired, repairSeconds)) in expected.faults {
            let figures = faults[kind]
            #expect(
                figures?.count == count && figures?.seconds == seconds && figures?.repaired == repaired
                    && figures?.repairSeconds == repairSeconds, "\(what) \(kind.rawValue): \(String(describing: figures))")
        }
    }

    static func report(_ week: AssessmentWeek) throws -> Assessment {
        let registry = try Registry(dataDirectory: week.dataDirectory, validateURL: { _ in })
        return try AssessmentReport(
            registry: registry, archive: try ArchiveDatabase(path: week.dataDirectory + "/archive.sqlite"),
            events: try EventStore(path: week.dataDirectory + "/events.sqlite")
        ).make(from: Week.start, to: Week.end, timeZone: Week.zone, now: Week.now)
    }

    @Test("each indicator of a scripted week equals the hand-worked figures, per camera, grid and key location, and summed")
    func figures() throws {
        let week = try AssessmentWeek()
        defer { try? FileManager.default.removeItem(atPath: week.dataDirectory) }
        let report = try Self.report(week)
        let cameras = Dictionary(uniqueKeysWithValues: report.cameras.map { ($0.id, $0) })
        for (index, expected) in [Self.c1, Self.c2, Self.c3, Self.c4].enumerated() {
            Self.check(cameras[Week.cameras[index]], expected, "camera \(index + 1)")
        }
        let grids = Dictionary(uniqueKeysWithValues: report.grids.map { ($0.id, $0) })
        Self.check(grids["SF-E"], Self.sum([Self.c1, Self.c2]), "east grid")
        Self.check(grids["SF-W"], Self.sum([Self.c3, Self.c4]), "west grid")
        Self.check(grids["SF"], Self.sum([Self.c1, Self.c2, Self.c3, Self.c4]), "district")
        Self.check(report.total, Self.sum([Self.c1, Self.c2, Self.c3, Self.c4]), "everything")
        #expect(report.locations.map(\.id) == ["KL-1"])
        Self.check(report.locations.first, Self.c1, "school")
        #expect(grids["SF"]?.level == .district && grids["SF-E"]?.level == .grid)

        // The shares, by hand: 2,066,400 of 2,246,400 s online; 1,634,400 of 1,641,600 s recorded; 2 HD of 3 sized.
        let total = report.total
        #expect(total.onlinePercent == 100.0 * 2_066_400 / 2_246_400)
        #expect(total.faultFreePercent == 100.0 * 2_020_800 / 2_246_400)
        #expect(total.faultFreeConfirmedPercent == 100.0 * 2_064_600 / 2_246_400)
        #expect(total.recordingCompletenessPercent == 100.0 * 1_634_400 / 1_641_600)
        #expect(total.hdPercent == 100 * 2.0 / 3 && total.filingPercent == 50 && total.clockAccuracyPercent == 75)
        #expect(total.faults[.offline]?.meanTimeToRepair == 7200, "C3's open outage is not a repair")
        #expect(cameras[Week.cameras[1]]?.missingFiling == [.manufacturer])
        #expect(cameras[Week.cameras[3]]?.missingFiling == [.purpose] && cameras[Week.cameras[3]]?.pictureSize == nil)

        // Worst first: C3 (71.43 %), C2 (91.67 %), C1 (98.71 %), C4 (99.65 %).
        #expect(report.worst.map(\.id) == [2, 1, 0, 3].map { Week.cameras[$0] })
        // Days in Shanghai: the first without C4; day 2 with C1's 2 h outage; day 6 with C3 offline all day.
        #expect(report.daily.map(\.date) == (2...8).map { "2026-11-0\($0)" })
        #expect(report.daily[0].onlinePercent == 100)
        #expect(report.daily[1].onlinePercent == 100 * (4 * Self.day - 7200) / (4 * Self.day))
        #expect(report.daily[5].onlinePercent == 75)
    }
}

extension AssessmentReportTests {
    static let python = MediaCorpus.packageRoot.appendingPathComponent(".build/python/bin/python").path
    static let artefacts = MediaCorpus.packageRoot.path + "/.build/test-artifacts/assessment"

    /// `skygate report assessment` over the scripted week, in Shanghai time, into `file`.
    static func run(_ week: AssessmentWeek, _ format: String, into file: String, _ extra: [String] = []) throws {
        let result = try SkygateBinary.run(
            [
                "report", "assessment", "--from", "@\(Int(Week.start.timeIntervalSince1970))", "--to",
                "@\(Int(Week.end.timeIntervalSince1970))", "--time-zone", "Asia/Shanghai", "--format", format, "-o", file,
                "--data-dir", week.dataDirectory,
            ] + extra)
        #expect(result.status == 0, "\(result.standardError)")
    }

    @Test("the CSV opens in Python's csv module with its byte-order mark, Chinese names intact and the week's figures")
    func csvRoundTrip() throws {
        let week = try AssessmentWeek()
        defer { try? FileManager.default.removeItem(atPath: week.dataDirectory) }
        let file = week.dataDirectory + "/assessment.csv"
        try Self.run(week, "csv", into: file)
        // Python's csv module is the oracle; it prints each row's fields as JSON, keyed by scope and ID.
        let script = """
            import csv, json, sys
            raw = open(sys.argv[1], "rb").read()
            assert raw.startswith(b"\\xef\\xbb\\xbf"), "no byte-order mark"
            with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f))
            print(json.dumps({r["scope"] + ":" + r["id"]: r for r in rows}, ensure_ascii=False))
            """
        let read = try ProcessRunner.run(Self.python, ["-c", script, file])
        #expect(read.status == 0, "\(read.standardError)")
        let rows = try JSONDecoder().decode([String: [String: String]].self, from: Data(read.standardOutput.utf8))
        #expect(rows.count == 1 + 3 + 1 + 4, "everything, three grids, one school, four cameras: \(rows.keys.sorted())")
        for (index, name) in Week.names.enumerated() {
            #expect(rows["camera:\(Week.cameras[index])"]?["name"] == name)
        }
        #expect(rows["grid:SF-E"]?["name"] == "东街网格 East grid" && rows["location:KL-1"]?["name"] == "第一小学 No.1 School")
        let total = try #require(rows["total:all"])
        let shares = [
            "online_pct": "91.99", "fault_free_pct": "89.96", "fault_free_confirmed_pct": "91.91",
            "recording_completeness_pct": "99.56", "hd_pct": "66.67", "filing_pct": "50.00", "clock_accuracy_pct": "75.00",
        ]
        for (column, value) in shares { #expect(total[column] == value, "\(column)") }
        #expect(total["offline_count"] == "2" && total["offline_s"] == "180000" && total["offline_mttr_s"] == "7200")
        #expect(total["false_alarms"] == "1" && total["name"] == "全部 All")
        #expect(rows["camera:\(Week.cameras[3])"]?["missing_filing"] == "purpose")
        #expect(rows["camera:\(Week.cameras[2])"]?["recording_completeness_pct"] == "", "a patrol camera records nothing")
    }

    @Test("the HTML report renders in headless Chromium with its figures, plots and map, and prints to A4")
    func htmlInChromium() throws {
        let week = try AssessmentWeek()
        defer { try? FileManager.default.removeItem(atPath: week.dataDirectory) }
        let file = week.dataDirectory + "/assessment.html"
        try Self.run(week, "html", into: file)
        let check = try ProcessRunner.run(
            Self.python,
            [
                MediaCorpus.packageRoot.path + "/Tests/browser/report_check.py", file, Self.artefacts,
                "--indicator", "online=91.99%", "--indicator", "fault-free=89.96%", "--indicator", "fault-free-confirmed=91.91%",
                "--indicator", "recording=99.56%", "--indicator", "hd=66.67%", "--indicator", "filing=50.00%",
                "--indicator", "clock=75.00%",
                // East: 95.46 % fault-free (yellow-green band); west: 84.46 % (red).
                "--grid", "SF-E=#b5c934", "--grid", "SF-W=#d7412f", "--days", "7",
                "--text", "Assessment report", "--text", "East grid",
            ])
        #expect(check.status == 0, "\(check.standardOutput)\n\(check.standardError.suffix(3000))")
        print("assessment report in Chromium: \(check.standardOutput.split(separator: "\n").last ?? "")")
        #expect(FileManager.default.fileExists(atPath: Self.artefacts + "/report.png"))
        #expect(FileManager.default.fileExists(atPath: Self.artefacts + "/report.pdf"))
    }
}

extension AssessmentReportTests {
    /// 2026-12-01 00:30 in Shanghai: November is over.
    static let decemberFirst = Date(timeIntervalSince1970: 1_796_056_200)

    @Test("a month's report is written once the month is over, in three formats, and not again")
    func monthlyInProcess() throws {
        let week = try AssessmentWeek()
        defer { try? FileManager.default.removeItem(atPath: week.dataDirectory) }
        let directory = week.dataDirectory + "/reports"
        let monthly = MonthlyAssessment(
            registry: try Registry(dataDirectory: week.dataDirectory, validateURL: { _ in }),
            archive: try ArchiveDatabase(path: week.dataDirectory + "/archive.sqlite"),
            events: try EventStore(path: week.dataDirectory + "/events.sqlite"), directory: directory,
            timeZone: Week.zone, logger: Logger(label: "test"))
        // The history begins in November (the week's first record is 1 November 23:00): nothing before it.
        #expect(try monthly.writeDue(now: Self.decemberFirst - 3600) == [], "October is before the history")
        #expect(try monthly.writeDue(now: Self.decemberFirst) == ["assessment-2026-11"])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == ["assessment-2026-11.csv", "assessment-2026-11.html", "assessment-2026-11.json"])
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/assessment-2026-11.json")))
        let report = try #require(json as? [String: Any])
        // In the API's own time format (the gateway's one JSON encoder): November in Shanghai.
        #expect(report["from"] as? String == "2026-10-31T16:00:00.000Z" && report["to"] as? String == "2026-11-30T16:00:00.000Z")
        // November holds the scripted week: its faults, and C3's outage still open at the month's end.
        let faults = (report["total"] as? [String: Any])?["faults"] as? [String: [String: Any]]
        #expect(faults?["offline"]?["count"] as? Int == 2 && faults?["offline"]?["repaired"] as? Int == 1)
        #expect(faults?["too_dark"]?["count"] as? Int == 1 && faults?["frozen"]?["count"] as? Int == 1)
        let csv = try Data(contentsOf: URL(fileURLWithPath: directory + "/assessment-2026-11.csv"))
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF] && String(decoding: csv, as: UTF8.self).contains(Week.names[0]))
        #expect(try monthly.writeDue(now: Self.decemberFirst + 86_400) == [], "written once")
        // Down from December to February: both months missed are written when it comes back, not only January.
        #expect(try monthly.writeDue(now: Self.decemberFirst + 62 * 86_400) == ["assessment-2026-12", "assessment-2027-01"])
    }

    @Test("`skygate serve --assessment-dir` writes the last month's report when it starts")
    func monthlyWhenServing() throws {
        let week = try AssessmentWeek()
        defer { try? FileManager.default.removeItem(atPath: week.dataDirectory) }
        let directory = week.dataDirectory + "/reports"
        let gateway = try GatewayProcess(
            dataDirectory: week.dataDirectory,
            arguments: ["--assessment-dir", directory, "--assessment-time-zone", "Asia/Shanghai"])
        defer { _ = gateway.stop() }
        // Whatever today is here: the month before it, in Shanghai.
        let month = ReportPeriod.monthBefore(Date(), timeZone: Week.zone).from
        let page = directory + "/" + MonthlyAssessment.name(of: month, timeZone: Week.zone) + ".html"
        let deadline = Date() + 30
        while !FileManager.default.fileExists(atPath: page) && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        let log = (try? String(contentsOfFile: gateway.logPath, encoding: .utf8)) ?? ""
        #expect(FileManager.default.fileExists(atPath: page), "\(log.suffix(2000))")
        #expect(FileManager.default.fileExists(atPath: page.replacingOccurrences(of: ".html", with: ".csv")))
    }
}
