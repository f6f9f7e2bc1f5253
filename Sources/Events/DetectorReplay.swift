public import Archive
public import Foundation
public import Geo
import Ingest
public import MediaIO

/// An event as a replay of the detectors raised it.
public struct ReplayedEvent: Sendable, Codable, Equatable {
    public var kind: EventKind
    public var since: Date
    public var raisedAt: Date
    /// Nil: still open at the end of the replay.
    public var clearedAt: Date?

    public init(kind: EventKind, since: Date, raisedAt: Date, clearedAt: Date?) {
        self.kind = kind
        self.since = since
        self.raisedAt = raisedAt
        self.clearedAt = clearedAt
    }
}

/// Backtesting (`skygate diagnose replay`): the detectors run again over what a camera's detectors saw, as it is
/// stored (its health history, its analysed keyframes' statistics, its patrol visits), with any thresholds; nothing is
/// decoded.
///
/// What is stored is what the detector judged for offline, stalled and the picture faults of a recorded camera, and
/// for everything a patrol visit judges. A recorded camera's throughput, keyframe intervals and clock readings are
/// not stored, so its stream conformance kinds (`notReplayedForRecorded`) are not replayed.
public enum DetectorReplay {
    /// Kinds a replay of a recorded camera cannot judge: their observations are not stored.
    public static let notReplayedForRecorded: Set<EventKind> = [
        .streamDegraded, .frameRateShortfall, .longGOP, .clockOffset,
    ]

    /// One stored observation, in the order the replay feeds them.
    enum Input {
        case health(HealthRecord)
        case keyframe(FrameStats, at: Date)
        case visit(PatrolVisit)

        var time: Date {
            switch self {
            case .health(let record): record.at
            case .keyframe(_, let at): at
            case .visit(let visit): visit.startedAt.addingTimeInterval(visit.duration)
            }
        }

        /// At one instant, health first: the live engine hears of a transition at once, of a keyframe's statistics
        /// only after analysis.
        var rank: Int {
            switch self {
            case .health: 0
            case .keyframe: 1
            case .visit: 2
            }
        }
    }

    /// Runs a fresh detector for `camera` over its stored observations up to `end`, in time order, ticking its clock
    /// where an outage becomes due; the events it raised, in order.
    /// `location`: the camera's position, for the sun's height (IR-cut); nil leaves IR-cut unjudged, as live.
    /// `reference`: the camera's reference picture, judged from the time it was set (only the current one is kept: an
    /// earlier one it replaced is not replayed).
    public static func run(
        camera: String, thresholds: DetectorThresholds, timeZone: TimeZone, location: Coordinate?, health: [HealthRecord],
        keyframes: [RecordedKeyframe], visits: [PatrolVisit], reference: ReferencePicture? = nil, until end: Date
    ) -> [ReplayedEvent] {
        var inputs = health.map(Input.health) + visits.map(Input.visit)
        inputs += keyframes.compactMap { keyframe in keyframe.stats.map { Input.keyframe($0, at: keyframe.wallClock) } }
        inputs.sort { ($0.time, $0.rank) < ($1.time, $1.rank) }
        var detector = CameraDetector(camera: camera, thresholds: thresholds, timeZone: timeZone)
        var events: [ReplayedEvent] = []
        func take(_ transitions: [DetectorTransition]) {
            for transition in transitions {
                switch transition.phase {
                case .raised:
                    events.append(
                        ReplayedEvent(kind: transition.kind, since: transition.since, raisedAt: transition.at, clearedAt: nil))
                case .cleared:
                    if let index = events.lastIndex(where: { $0.kind == transition.kind && $0.clearedAt == nil }) {
                        events[index].clearedAt = transition.at
                    }
                case .updated:
                    break
                }
            }
        }
        for input in inputs where input.time < end {
            if let due = detector.outageDue, due <= input.time { take(detector.tick(now: due)) }
            if let reference, input.time >= reference.setAt { detector.reference = reference }
            switch input {
            case .health(let record):
                guard let state = record.healthState else { continue }
                take(detector.observe(health: state, reason: record.healthReason, at: record.at))
            case .keyframe(let stats, let at):
                take(detector.observe(stats, at: at, sunElevation: location.map { Sun.elevation(at: $0, on: at) }))
            case .visit(let visit):
                let end = visit.startedAt.addingTimeInterval(visit.duration)
                take(detector.observe(visit: visit, sunElevation: location.map { Sun.elevation(at: $0, on: end) }))
            }
        }
        if let due = detector.outageDue, due < end { take(detector.tick(now: due)) }
        return events
    }
}
