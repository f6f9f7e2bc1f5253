public import Archive
public import Foundation
public import Geo
import MediaIO

/// A replay's events set against the stored ones: what would have been raised and cleared the same, otherwise, never,
/// or newly (`skygate diagnose replay`).
public struct ReplayComparison: Sendable, Encodable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// The same fault (kind and start), raised and cleared when it was.
        case same
        /// The same fault, raised or cleared at another time (or left open).
        case changed
        /// Stored, and the replay raises nothing of it.
        case neverRaised = "never_raised"
        /// Raised by the replay, with no stored event of it.
        case newlyRaised = "newly_raised"
    }

    public struct Row: Sendable, Encodable {
        public var outcome: Outcome
        public var kind: EventKind
        public var replayed: ReplayedEvent?
        /// The stored event: its ID and times.
        public var stored: StoredEvent?
    }

    public struct StoredEvent: Sendable, Encodable, Equatable {
        public var id: String
        public var kind: EventKind
        public var since: Date
        public var raisedAt: Date
        /// Nil: open at the end of the range.
        public var clearedAt: Date?
    }

    public var camera: String
    public var from: Date
    public var to: Date
    public var rows: [Row]
    /// Stored events of kinds a replay of this camera cannot judge: a recorded camera's conformance kinds
    /// (`DetectorReplay.judgedFromStreamReadings`) over a range with no stream readings stored.
    public var notReplayed: [StoredEvent]
    /// Analysed keyframes replayed, and those of them stored without a thumbnail or saturation (before they were
    /// kept): for those, frozen falls back to brightness and detail, and IR-cut is not judged, which may differ from
    /// what the live detector saw.
    public var keyframes = 0
    public var keyframesWithoutThumbnail = 0

    /// How close two times must be to be the same: a fault's start and clear are an observation's time (stored to the
    /// millisecond), an outage is raised at the live engine's next once-a-second tick.
    public static let sameTime = 1.5

    /// Sets `replayed` against `stored` (the camera's events raised in `from..<to`, alarms aside); `judged` says which
    /// kinds the replay could judge.
    public static func compare(
        camera: String, replayed: [ReplayedEvent], stored: [Event], from: Date, to: Date, judged: (EventKind) -> Bool
    ) -> ReplayComparison {
        let inRange = stored.filter { !$0.kind.isAlarm && $0.raisedAt >= from && $0.raisedAt < to }
        func brief(_ event: Event) -> StoredEvent {
            StoredEvent(
                id: event.id, kind: event.kind, since: event.since, raisedAt: event.raisedAt,
                clearedAt: event.clearedAt.flatMap { $0 < to ? $0 : nil })
        }
        var unmatched = inRange.filter { judged($0.kind) }.map(brief)
        var rows: [Row] = []
        // The same rule for both sides: an outage under way at `from` may be raised by the replay before it.
        for event in replayed where event.raisedAt >= from && event.raisedAt < to {
            guard
                let index = unmatched.firstIndex(where: {
                    $0.kind == event.kind && abs($0.since.timeIntervalSince(event.since)) <= sameTime
                })
            else {
                rows.append(Row(outcome: .newlyRaised, kind: event.kind, replayed: event, stored: nil))
                continue
            }
            let match = unmatched.remove(at: index)
            let cleared =
                switch (event.clearedAt, match.clearedAt) {
                case (nil, nil): true
                case (let a?, let b?): abs(a.timeIntervalSince(b)) <= sameTime
                default: false
                }
            let same = cleared && abs(event.raisedAt.timeIntervalSince(match.raisedAt)) <= sameTime
            rows.append(Row(outcome: same ? .same : .changed, kind: event.kind, replayed: event, stored: match))
        }
        rows += unmatched.map { Row(outcome: .neverRaised, kind: $0.kind, replayed: nil, stored: $0) }
        rows.sort { ($0.replayed?.since ?? $0.stored!.since) < ($1.replayed?.since ?? $1.stored!.since) }
        return ReplayComparison(
            camera: camera, from: from, to: to, rows: rows, notReplayed: inRange.filter { !judged($0.kind) }.map(brief))
    }

    /// Every row the same: the replay reproduced the stored events.
    public var reproducesStored: Bool { rows.allSatisfy { $0.outcome == .same } }
}

/// Replays one camera's stored history from the archive and sets it against its stored events.
public struct DetectorBacktest: Sendable {
    private let archive: ArchiveDatabase
    private let events: EventStore?

    public init(archive: ArchiveDatabase, events: EventStore?) {
        self.archive = archive
        self.events = events
    }

    /// The replay of `camera` over `from..<to` with `thresholds`: its health history (with the state it was in at
    /// `from`), analysed keyframes, patrol visits and stream readings.
    /// `location`: where the camera is, for IR-cut (the registry's; nil: not judged).
    public func replay(
        camera: String, location: Coordinate?, from: Date, to: Date, thresholds: DetectorThresholds, timeZone: TimeZone
    ) throws -> ReplayComparison {
        let health = HealthLog(store: archive)
        let before = try health.transition(camera: camera, before: from)
        let history = (before.map { [$0] } ?? []) + (try health.transitions(camera: camera, from: from, to: to))
        let keyframes = try RecordingIndex(store: archive).analysedKeyframes(camera: camera, from: from, to: to)
        let visits = try PatrolVisitLog(store: archive).visits(camera: camera, from: from, to: to)
        let stream = try StreamReadingLog(store: archive).history(camera: camera, from: from, to: to)
        let replayed = DetectorReplay.run(
            camera: camera, thresholds: thresholds, timeZone: timeZone, location: location, health: history, keyframes: keyframes,
            visits: visits, stream: stream, reference: try events?.reference(camera: camera), until: to)
        let stored = try events?.events(EventQuery(device: camera, from: from, to: to, limit: Int.max)) ?? []
        // A patrol camera's visits carry everything its detector judged; a recorded camera's stream readings are kept
        // since archive schema v10 (a range before it has none).
        let patrolled = !visits.isEmpty && keyframes.isEmpty
        var comparison = ReplayComparison.compare(
            camera: camera, replayed: replayed, stored: stored, from: from, to: to,
            judged: { patrolled || !stream.isEmpty || !DetectorReplay.judgedFromStreamReadings.contains($0) })
        comparison.keyframes = keyframes.count
        comparison.keyframesWithoutThumbnail =
            keyframes.filter {
                $0.stats?.thumbnail.isEmpty != false || $0.stats?.saturation == nil
            }.count
        return comparison
    }
}
