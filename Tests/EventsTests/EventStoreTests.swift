import CameraRegistry
import Events
import Foundation
import Testing

@Suite("Event store and outbox")
struct EventStoreTests {
    static func store(sinks: [String] = ["webhook", "ndjson"]) throws -> (EventStore, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-events-\(UUID().uuidString)").path
        return (try EventStore(path: directory + "/events.sqlite", sinks: sinks), directory)
    }

    static let here = EventLocation(
        longitude: 120.1, latitude: 30.2, grids: [GridSummary(id: "G1", name: "grid 1", level: .grid)], keyLocations: [])
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func transition(_ device: String, _ kind: EventKind, _ phase: DetectorTransition.Phase, at seconds: Double)
        -> DetectorTransition
    {
        DetectorTransition(
            device: device, kind: kind, phase: phase, at: t0 + seconds, since: t0, evidence: ["x": seconds], reason: nil)
    }

    @Test("raised, updated and cleared keep one stable ID; every transition is queued once per sink")
    func lifecycle() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let raised = try store.record(Self.transition("c1", .blur, .raised, at: 6), location: Self.here)
        let updated = try store.record(Self.transition("c1", .blur, .updated, at: 66), location: Self.here)
        let cleared = try store.record(Self.transition("c1", .blur, .cleared, at: 90), location: Self.here)
        #expect(raised?.id == updated?.id && updated?.id == cleared?.id)
        #expect(cleared?.state == .cleared && cleared?.clearedAt == Self.t0 + 90 && cleared?.duration() == 90)
        #expect(cleared?.location == Self.here)
        for sink in ["webhook", "ndjson"] {
            let due = try store.due(sink: sink, now: Self.t0 + 100)
            #expect(due.map(\.phase) == [.raised, .updated, .cleared], "a device's messages in order")
            try store.delivered(sink: sink, sequences: [due[0].sequence])
            #expect(try store.due(sink: sink, now: Self.t0 + 100).map(\.phase) == [.updated, .cleared])
        }
        // A second raise of the same kind while one is open updates it (one open event per device and kind); a clear
        // with nothing open records nothing.
        let again = try store.record(Self.transition("c1", .blur, .raised, at: 200), location: Self.here)
        #expect(again?.id != raised?.id)
        #expect(try store.record(Self.transition("c1", .blur, .raised, at: 210), location: Self.here)?.id == again?.id)
        #expect(try store.record(Self.transition("c2", .frozen, .cleared, at: 210), location: Self.here) == nil)
        #expect(try store.events(EventQuery(state: .open)).map(\.id) == [again?.id])
        #expect(try store.events(EventQuery(device: "c1", state: .cleared)).map(\.id) == [raised?.id])
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("a failing message holds up only its own device, is retried after its wait, and is dead-lettered after N failures")
    func retriesAndDeadLetters() throws {
        let (store, directory) = try Self.store(sinks: ["webhook"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try store.record(Self.transition("a", .blur, .raised, at: 1), location: Self.here)
        try store.record(Self.transition("b", .blur, .raised, at: 2), location: Self.here)
        try store.record(Self.transition("a", .blur, .cleared, at: 3), location: Self.here)
        var due = try store.due(sink: "webhook", now: Self.t0)
        #expect(due.map(\.device) == ["a", "b", "a"], "each device's pending messages, in order")
        due = [due[0], due[1]]
        let first = due[0].sequence
        #expect(
            try !store.failed(
                sink: "webhook", sequence: first, error: "HTTP 503", retryAfter: 10, maximumAttempts: 3, now: Self.t0))
        try store.delivered(sink: "webhook", sequences: [due[1].sequence])
        // a's raise waits 10 s; a's clear may not overtake it.
        due = try store.due(sink: "webhook", now: Self.t0 + 5)
        #expect(due.isEmpty)
        due = try store.due(sink: "webhook", now: Self.t0 + 10)
        #expect(due.map(\.sequence).first == first && due[0].attempts == 1 && due.map(\.phase) == [.raised, .cleared])
        #expect(
            try !store.failed(
                sink: "webhook", sequence: first, error: "HTTP 503", retryAfter: 10, maximumAttempts: 3, now: Self.t0 + 10))
        #expect(
            try store.failed(
                sink: "webhook", sequence: first, error: "HTTP 503", retryAfter: 10, maximumAttempts: 3, now: Self.t0 + 20))
        // Dead-lettered: the device's next message goes on.
        #expect(try store.due(sink: "webhook", now: Self.t0 + 30).map(\.phase) == [.cleared])
        #expect(try store.counts(sink: "webhook") == ["dead": 1, "delivered": 1, "pending": 1])
        // Delivered messages go after their day; pending and dead ones stay.
        #expect(try store.purgeDelivered(before: Self.t0 + 10) == 1)
        #expect(try store.counts(sink: "webhook") == ["dead": 1, "pending": 1])
    }

    @Test("a repeated idempotency key records nothing; grid filters include the grids below; a batch is one commit")
    func idempotencyAndFilters() throws {
        let (store, directory) = try Self.store(sinks: ["webhook"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let school = KeyLocationLink(locationID: "K-school", name: "school", category: .school, distance: 40)
        let district = GridSummary(id: "D1", name: "district", level: .district)
        let street = GridSummary(id: "S1_x", name: "street", level: .street)
        let place = EventLocation(longitude: 120, latitude: 30, grids: [street, district], keyLocations: [school])
        let alarm = DetectorTransition(
            device: "s1", kind: .sensorAlarm, phase: .raised, at: Self.t0, since: Self.t0, evidence: [:], reason: "smoke")
        let first = try store.record([
            EventStore.Entry(alarm, location: place, idempotencyKey: IdempotencyKey("msg-1", sender: "t1"))
        ])[0]
        let second = try store.record([
            EventStore.Entry(alarm, location: place, idempotencyKey: IdempotencyKey("msg-1", sender: "t1"))
        ])[0]
        guard case .recorded(let event) = first, case .duplicate(let same) = second else {
            Issue.record("expected recorded then duplicate, got \(first), \(second)")
            return
        }
        #expect(event.id == same.id)
        #expect(try store.counts(sink: "webhook") == ["pending": 1], "the duplicate queued nothing")
        // 300 transitions in one call: all stored, in order.
        let many = (0..<300).map { index in
            EventStore.Entry(Self.transition("cam\(index)", .blur, .raised, at: Double(index)), location: Self.here)
        }
        #expect(try store.record(many).compactMap(\.event).count == 300)
        #expect(try store.events(EventQuery(grid: "D1")).map(\.id) == [event.id], "district D1 includes street S1_x")
        #expect(try store.events(EventQuery(grid: "S1%")).isEmpty, "LIKE wildcards in an ID are literal")
        #expect(try store.events(EventQuery(keyLocation: "K-school", kinds: [.sensorAlarm])).count == 1)
        #expect(try store.events(EventQuery(grid: "G1", limit: 5000)).count == 300)
        #expect(try store.events(EventQuery(from: Self.t0 + 250, to: Self.t0 + 260)).count == 301)
        #expect(try store.events(EventQuery(kinds: [.blur], to: Self.t0)).isEmpty, "none started before t0")
    }

    /// Issue 13, item 5: every sensor alarm had kind `sensor_alarm`, so the open-event key (device, kind) merged a
    /// sensor's alarms and a clear of one cleared the other; idempotency keys were global.
    @Test("a sensor's alarms open and clear by name; idempotency keys belong to a sensor and a sender, and expire")
    func sensorAlarmsStayApart() throws {
        let (store, directory) = try Self.store(sinks: ["webhook"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func alarm(_ sensor: String, _ name: String, _ phase: DetectorTransition.Phase, at offset: Double = 0)
            -> DetectorTransition
        {
            DetectorTransition(
                device: sensor, kind: .sensorAlarm, phase: phase, at: Self.t0 + offset, since: Self.t0 + offset,
                evidence: [:], reason: name)
        }
        let smoke = try #require(try store.record(alarm("s1", "smoke", .raised), location: Self.here))
        let door = try #require(try store.record(alarm("s1", "door_forced", .raised, at: 1), location: Self.here))
        #expect(smoke.id != door.id, "door_forced updated the open smoke event")
        let cleared = try #require(try store.record(alarm("s1", "door_forced", .cleared, at: 2), location: Self.here))
        #expect(cleared.id == door.id && cleared.reason == "door_forced")
        let open = try store.events(EventQuery(device: "s1", state: .open))
        #expect(open.map(\.id) == [smoke.id], "clearing door_forced cleared smoke: \(open.map(\.reason))")
        #expect(open.first?.reason == "smoke")

        // Key "1" of sensor s2 is not sensor s1's key "1", nor another sender's.
        let first = try store.record([
            EventStore.Entry(alarm("s1", "gas", .raised), location: Self.here, idempotencyKey: IdempotencyKey("1", sender: "a"))
        ])[0]
        let otherSensor = try store.record([
            EventStore.Entry(alarm("s2", "gas", .raised), location: Self.here, idempotencyKey: IdempotencyKey("1", sender: "a"))
        ])[0]
        #expect(first.event?.device == "s1")
        guard case .recorded(let second) = otherSensor else {
            Issue.record("sensor s2's key 1 answered another sensor's event: \(otherSensor)")
            return
        }
        #expect(second.device == "s2")
        let otherSender = try store.record([
            EventStore.Entry(
                alarm("s1", "water", .raised), location: Self.here, idempotencyKey: IdempotencyKey("1", sender: "b"))
        ])[0]
        #expect(otherSender.event?.reason == "water", "\(otherSender)")
        let resend = try store.record([
            EventStore.Entry(alarm("s1", "gas", .raised), location: Self.here, idempotencyKey: IdempotencyKey("1", sender: "a"))
        ])[0]
        #expect(resend == .duplicate(try #require(first.event)))

        // After its lifetime a key no longer stops a message, and the purge forgets it.
        let later = Date() + EventStore.idempotencyLifetime + 60
        let expired = try store.record(
            [
                EventStore.Entry(
                    alarm("s1", "gas", .cleared, at: 5), location: Self.here, idempotencyKey: IdempotencyKey("1", sender: "a"))
            ], now: later)[0]
        #expect(expired.event?.state == .cleared, "\(expired)")
        #expect(try store.purgeIdempotencyKeys(before: later - EventStore.idempotencyLifetime) == 2)
    }
}
