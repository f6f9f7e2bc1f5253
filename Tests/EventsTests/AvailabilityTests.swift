import Archive
import Events
import Foundation
import Testing

@Suite("Availability")
struct AvailabilityTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func record(_ seconds: Double, _ state: String) -> HealthRecord {
        HealthRecord(camera: "c", at: t0 + seconds, state: state, reason: nil, detail: nil)
    }

    static func event(_ kind: EventKind, _ from: Double, _ to: Double?) -> Event {
        Event(
            id: UUID().uuidString, device: "c", kind: kind, state: to == nil ? .open : .cleared, since: t0 + from,
            raisedAt: t0 + from, updatedAt: t0 + (to ?? from), clearedAt: to.map { t0 + $0 }, evidence: [:], reason: nil,
            location: EventLocation(longitude: nil, latitude: nil, grids: [], keyLocations: []))
    }

    @Test("online and fault-free shares of the monitored time; disabled time and time before the period do not count")
    func camera() {
        // Watched from before the period; disabled for 100 s in the middle; 1000 s period.
        let history = [
            Self.record(-50, "connecting"), Self.record(-49, "streaming"), Self.record(400, "disabled"),
            Self.record(500, "connecting"), Self.record(501, "streaming"),
        ]
        // Offline 100 s (half of it while disabled), blur 50 s overlapping the offline 20 s, too dark open since 900.
        let events = [
            Self.event(.offline, 350, 450), Self.event(.blur, 430, 480), Self.event(.tooDark, 900, nil),
            Self.event(.sensorAlarm, 0, 1000),
        ]
        let row = Availability.camera(
            "c", name: "cam", history: history, events: events, from: Self.t0, to: Self.t0 + 1000, now: Self.t0 + 2000)
        #expect(row.monitoredSeconds == 900)
        #expect(row.onlineSeconds == 850, "offline 350–400 counts; 400–450 was disabled")
        // Faulty while monitored: 350–400 (offline; blur 430–480 fell in the disabled time) and 900–1000 (too dark).
        #expect(row.faultFreeSeconds == 750)
        #expect(row.faults["offline"] == AvailabilityRow.FaultTally(count: 1, seconds: 100))
        #expect(row.faults["too_dark"] == AvailabilityRow.FaultTally(count: 1, seconds: 100))
        #expect(row.onlinePercent.map { ($0 * 100).rounded() / 100 } == 94.44)

        let grid = Availability.rollup([row, row], scope: "grid", id: "G", name: "g", from: Self.t0, to: Self.t0 + 1000)
        #expect(grid.cameras == 2 && grid.monitoredSeconds == 1800 && grid.faults["offline"]?.count == 2)
        #expect(grid.faultFreePercent == row.faultFreePercent)
    }

    @Test("a camera never watched in the period has no percentages")
    func unmonitored() {
        let row = Availability.camera(
            "c", name: "cam", history: [Self.record(-10, "disabled")], events: [], from: Self.t0, to: Self.t0 + 60)
        #expect(row.monitoredSeconds == 0 && row.onlinePercent == nil)
    }
}
