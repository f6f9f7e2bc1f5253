import Events
import Foundation
import Testing

/// Issue 17, item 3: how a replay's events are set against the stored ones.
@Suite("Replay comparison")
struct ReplayComparisonTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func stored(_ kind: EventKind, _ since: Double, raised: Double, cleared: Double?) -> Event {
        Event(
            id: "\(kind.rawValue)-\(since)", device: "c", kind: kind, state: cleared == nil ? .open : .cleared,
            since: t0 + since, raisedAt: t0 + raised, updatedAt: t0 + raised, clearedAt: cleared.map { t0 + $0 },
            evidence: [:], reason: nil, location: EventLocation(longitude: nil, latitude: nil, grids: [], keyLocations: []))
    }

    static func replayed(_ kind: EventKind, _ since: Double, raised: Double, cleared: Double?) -> ReplayedEvent {
        ReplayedEvent(kind: kind, since: t0 + since, raisedAt: t0 + raised, clearedAt: cleared.map { t0 + $0 })
    }

    @Test("same, changed, never raised and newly raised; an outage raised within a tick is the same; kinds not judged apart")
    func outcomes() {
        let stored = [
            Self.stored(.offline, 100, raised: 130.6, cleared: 200),
            Self.stored(.tooDark, 300, raised: 303, cleared: 400),
            Self.stored(.blur, 500, raised: 503, cleared: 600),
            Self.stored(.longGOP, 700, raised: 703, cleared: nil),
            Self.stored(.sensorAlarm, 800, raised: 800, cleared: nil),
            // Raised before the range: the replay cannot know it.
            Self.stored(.frozen, -50, raised: -40, cleared: 50),
            // Cleared after the range's end: open, as the replay leaves it.
            Self.stored(.colourCast, 900, raised: 903, cleared: 2000),
        ]
        let replayed = [
            // An outage under way at the range's start, raised before it: left out, as its stored event is.
            Self.replayed(.offline, -100, raised: -70, cleared: 20),
            Self.replayed(.offline, 100, raised: 130, cleared: 200),
            Self.replayed(.tooDark, 300, raised: 310, cleared: 410),
            Self.replayed(.occlusion, 650, raised: 653, cleared: 660),
            Self.replayed(.colourCast, 900, raised: 903, cleared: nil),
        ]
        let comparison = ReplayComparison.compare(
            camera: "c", replayed: replayed, stored: stored, from: Self.t0, to: Self.t0 + 1000,
            judged: { !DetectorReplay.judgedFromStreamReadings.contains($0) })
        let outcomes = comparison.rows.map { "\($0.outcome.rawValue) \($0.kind.rawValue)" }
        #expect(
            outcomes == ["same offline", "changed too_dark", "never_raised blur", "newly_raised occlusion", "same colour_cast"])
        #expect(comparison.notReplayed.map(\.kind) == [.longGOP])
        #expect(!comparison.reproducesStored)
    }
}
