import Archive
import CameraRegistry
import Events
import Foundation
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
    /// Disabled for day 3; too dark for a day, half of it while disabled.
    static let c2 = Expected(
        cameras: 1, monitored: week - day, online: week - day, faultFree: week - day - day / 2, confirmed: week - day,
        recorded: week - day, expectedRecording: week, sized: 1, hd: 0, filed: 0, clockChecked: 1, clockAccurate: 1,
        falseAlarms: 0, faults: [.tooDark: (1, day, 1, day)])
    /// Offline for the last two days, still open: not repaired.
    static let c3 = Expected(
        cameras: 1, monitored: week, online: week - 2 * day, faultFree: week - 2 * day, confirmed: week - 2 * day,
        recorded: 0, expectedRecording: 0, sized: 1, hd: 1, filed: 1, clockChecked: 1, clockAccurate: 1, falseAlarms: 0,
        faults: [.offline: (1, 2 * day, 0, 0)])
    static let c4 = Expected(
        cameras: 1, monitored: week - day, online: week - day, faultFree: week - day - 1800, confirmed: week - day - 1800,
        recorded: week - day, expectedRecording: week, sized: 0, hd: 0, filed: 0, clockChecked: 1, clockAccurate: 1,
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

        // The shares, by hand: 2,066,400 of 2,246,400 s online; 1,634,400 of 1,814,400 s recorded; 2 HD of 3 sized.
        let total = report.total
        #expect(total.onlinePercent == 100.0 * 2_066_400 / 2_246_400)
        #expect(total.faultFreePercent == 100.0 * 2_020_800 / 2_246_400)
        #expect(total.faultFreeConfirmedPercent == 100.0 * 2_064_600 / 2_246_400)
        #expect(total.recordingCompletenessPercent == 100.0 * 1_634_400 / 1_814_400)
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
