import CameraRegistry
import Events
import Foundation
import Testing

/// Issue 17, item 2: review (复核) of events.
@Suite("Event review")
struct EventReviewTests {
    static let t0 = EventStoreTests.t0

    /// Raises and clears `count` events of `kind` on `device`, one after another; their stored forms.
    static func events(_ store: EventStore, _ device: String, _ kind: EventKind, count: Int, from start: Double) throws
        -> [Event]
    {
        try (0..<count).compactMap { index in
            let at = start + Double(index) * 100
            _ = try store.record(EventStoreTests.transition(device, kind, .raised, at: at), location: EventStoreTests.here)
            return try store.record(
                EventStoreTests.transition(device, kind, .cleared, at: at + 50), location: EventStoreTests.here)
        }
    }

    @Test("a verdict is kept with the event, a later one corrects it, and no sink is told of either")
    func verdicts() throws {
        let (store, directory) = try EventStoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let event = try #require(try Self.events(store, "c1", .blur, count: 1, from: 0).first)
        let queued = try store.due(sink: "webhook", now: Self.t0 + 1000).count
        let wrong = try store.review(
            id: event.id, EventReview(verdict: .falseAlarm, by: "ops", at: Self.t0 + 200, note: "rain on the lens\nwiped"))
        #expect(wrong?.review?.verdict == .falseAlarm && wrong?.review?.note == "rain on the lens\nwiped")
        let corrected = try store.review(id: event.id, EventReview(verdict: .confirmed, by: "lead", at: Self.t0 + 300))
        #expect(corrected?.review == EventReview(verdict: .confirmed, by: "lead", at: Self.t0 + 300))
        #expect(try store.event(id: event.id)?.review?.by == "lead", "stored, not only returned")
        #expect(try store.due(sink: "webhook", now: Self.t0 + 1000).count == queued)
        #expect(try store.review(id: "no-such-event", EventReview(verdict: .confirmed, by: "x", at: Self.t0)) == nil)
    }

    @Test("a verdict given while the event is open survives its updates and its clear, which carry it to the sinks")
    func verdictSurvivesTransitions() throws {
        let (store, directory) = try EventStoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let raised = try #require(
            try store.record(EventStoreTests.transition("c1", .blur, .raised, at: 0), location: EventStoreTests.here))
        let review = EventReview(verdict: .falseAlarm, by: "ops", at: Self.t0 + 10, note: "lens wiped")
        _ = try store.review(id: raised.id, review)
        let updated = try store.record(EventStoreTests.transition("c1", .blur, .updated, at: 70), location: EventStoreTests.here)
        let cleared = try store.record(EventStoreTests.transition("c1", .blur, .cleared, at: 90), location: EventStoreTests.here)
        #expect(updated?.review == review && cleared?.review == review && cleared?.state == .cleared)
        #expect(try store.event(id: raised.id)?.review == review)
        let clearMessage = try #require(try store.due(sink: "webhook", now: Self.t0 + 100).last)
        #expect(clearMessage.phase == .cleared && clearMessage.body.contains("lens wiped"), "\(clearMessage.body)")
    }

    @Test("tallies count verdicts per device and kind within the raise times asked, and suggest only on a habit")
    func tallies() throws {
        let (store, directory) = try EventStoreTests.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let blur = try Self.events(store, "c1", .blur, count: 5, from: 0)
        let dark = try Self.events(store, "c2", .tooDark, count: 3, from: 0)
        _ = try Self.events(store, "c0", .frozen, count: 1, from: 0)
        for event in blur.prefix(3) + dark.prefix(2) {
            _ = try store.review(id: event.id, EventReview(verdict: .falseAlarm, by: "ops", at: Self.t0 + 900))
        }
        _ = try store.review(id: blur[3].id, EventReview(verdict: .confirmed, by: "ops", at: Self.t0 + 900))
        // The listings' filter: by verdict, or not yet reviewed.
        var query = EventQuery()
        for (filter, expected) in [(ReviewFilter.falseAlarm, 5), (.confirmed, 1), (.unreviewed, 3)] {
            query.review = filter
            #expect(try store.events(query).count == expected, "\(filter)")
        }
        let all = try store.reviewTallies()
        #expect(all.map(\.device) == ["c1", "c2", "c0"], "most false alarms first; none reviewed last, as 0")
        #expect(all.last.map { $0.confirmed == 0 && $0.falseAlarms == 0 && $0.unreviewed == 1 } == true)
        let c1 = try #require(all.first { $0.device == "c1" })
        #expect(c1.kind == .blur && c1.events == 5 && c1.falseAlarms == 3 && c1.confirmed == 1 && c1.unreviewed == 1)
        // Three false of four reviewed: blur's settings are named. Two false (c2) are not yet a habit.
        #expect(c1.suggestion?.contains("3 of 4 reviewed blur alarms were false: adjust blurRatio, blurFloor") == true)
        #expect(all.first { $0.device == "c2" }?.suggestion == nil)
        #expect(all.first?.device == "c1", "most false alarms first")
        // Raised in [100, 300): the second and third blur events and the second and third dark ones.
        let window = try store.reviewTallies(from: Self.t0 + 100, to: Self.t0 + 300)
        #expect(window.map(\.events) == [2, 2] && window.map(\.falseAlarms).sorted() == [1, 2], "\(window)")
    }

    @Test("every kind but alarms names at least one setting, and every setting named is one the configuration takes")
    func settingsExist() throws {
        let known = Set(
            try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(DetectorThresholds())) as? [String: Any])
                .keys)
        for kind in EventKind.allCases {
            #expect(kind.thresholdSettings.allSatisfy(known.contains), "\(kind): \(kind.thresholdSettings)")
            #expect(kind.thresholdSettings.isEmpty == (kind == .sensorAlarm || kind == .deviceAlarm), "\(kind)")
        }
    }

    @Test("notes: line breaks kept; too long or with control characters refused with the reason")
    func notes() {
        #expect(EventReview.problem(withNote: "wiper fault\nfixed by crew 3") == nil)
        #expect(EventReview.problem(withNote: String(repeating: "字", count: 500)) == nil)
        #expect(EventReview.problem(withNote: String(repeating: "字", count: 501))?.contains("500") == true)
        #expect(EventReview.problem(withNote: "bell\u{07}")?.contains("control") == true)
        #expect(EventReview.problem(withNote: "esc\u{1B}[2J")?.contains("control") == true)
    }

    @Test("a false alarm does not shorten the fault-free time, nor count as a fault; it is counted apart")
    func falseAlarmsInAvailability() {
        let history = [AvailabilityTests.record(-10, "streaming")]
        var blur = AvailabilityTests.event(.blur, 100, 200)
        let dark = AvailabilityTests.event(.tooDark, 300, 350)
        let unreviewed = Availability.camera(
            "c", name: "cam", history: history, events: [blur, dark], from: AvailabilityTests.t0,
            to: AvailabilityTests.t0 + 1000, now: AvailabilityTests.t0 + 2000)
        #expect(unreviewed.faultFreeSeconds == 850 && unreviewed.falseAlarms == 0 && unreviewed.faults["blur"]?.count == 1)
        blur.review = EventReview(verdict: .falseAlarm, by: "ops", at: AvailabilityTests.t0 + 500)
        let reviewed = Availability.camera(
            "c", name: "cam", history: history, events: [blur, dark], from: AvailabilityTests.t0,
            to: AvailabilityTests.t0 + 1000, now: AvailabilityTests.t0 + 2000)
        #expect(reviewed.faultFreeSeconds == 950 && reviewed.falseAlarms == 1 && reviewed.faults["blur"] == nil)
        #expect(reviewed.faults["too_dark"]?.count == 1)
        let grid = Availability.rollup(
            [reviewed, reviewed], scope: "grid", id: "G", name: "g", from: AvailabilityTests.t0, to: AvailabilityTests.t0 + 1000)
        #expect(grid.falseAlarms == 2)
        // A false alarm over before the period is not the period's, as a fault would not be.
        var before = AvailabilityTests.event(.blur, -200, 0)
        before.review = blur.review
        let later = Availability.camera(
            "c", name: "cam", history: history, events: [before], from: AvailabilityTests.t0,
            to: AvailabilityTests.t0 + 1000, now: AvailabilityTests.t0 + 2000)
        #expect(later.falseAlarms == 0)
    }
}
