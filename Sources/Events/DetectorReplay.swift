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
/// Everything the detector judges is stored: health, analysed keyframes and patrol visits, and for a recorded camera
/// its stream readings (`StreamHistory`: throughput, clock offsets, keyframe times, declared frame rates), kept since
/// archive schema v10.
public enum DetectorReplay {
    /// Kinds a replay of a recorded camera judges from its stream readings: an archive without them (written before
    /// they were kept) cannot replay these.
    public static let judgedFromStreamReadings: Set<EventKind> = [
        .streamDegraded, .frameRateShortfall, .longGOP, .clockOffset,
    ]

    /// One stored observation, in the order the replay feeds them.
    enum Input {
        case health(HealthRecord)
        case keyframe(FrameStats, at: Date)
        case visit(PatrolVisit)
        case throughput(ThroughputReading)
        case clock(ClockReading)
        case keyframeInterval(seconds: Double, at: Date)
        case declaredFrameRate(DeclaredFrameRate)

        var time: Date {
            switch self {
            case .health(let record): record.at
            case .keyframe(_, let at): at
            case .visit(let visit): visit.startedAt.addingTimeInterval(visit.duration)
            case .throughput(let reading): reading.at
            case .clock(let reading): reading.at
            case .keyframeInterval(_, let at): at
            case .declaredFrameRate(let declared): declared.at
            }
        }

        /// At one instant, health first: the live engine hears of a transition at once, of a keyframe's arrival and the
        /// stream's readings as they come, of its statistics only after analysis.
        var rank: Int {
            switch self {
            case .health: 0
            case .throughput, .clock, .keyframeInterval, .declaredFrameRate: 1
            case .keyframe: 2
            case .visit: 3
            }
        }
    }

    /// The keyframe intervals the live service judged: between two keyframes of one connection, that is with the
    /// camera streaming since before the earlier of them (as `IngestService` measures them). `health` oldest first.
    static func keyframeIntervals(_ times: [Date], health: [HealthRecord]) -> [Input] {
        var intervals: [Input] = []
        var next = health.startIndex
        var current: HealthRecord?
        for (previous, time) in zip(times, times.dropFirst()) {
            while next < health.endIndex, health[next].at <= time {
                current = health[next]
                next += 1
            }
            guard let current, current.healthState == .streaming, current.at <= previous else { continue }
            intervals.append(.keyframeInterval(seconds: time.timeIntervalSince(previous), at: time))
        }
        return intervals
    }

    /// Runs a fresh detector for `camera` over its stored observations up to `end`, in time order, ticking its clock
    /// where an outage becomes due; the events it raised, in order.
    /// `location`: the camera's position, for the sun's height (IR-cut); nil leaves IR-cut unjudged, as live.
    /// `reference`: the camera's reference picture, judged from the time it was set (only the current one is kept: an
    /// earlier one it replaced is not replayed).
    /// `stream`: a recorded camera's stream readings, for its conformance kinds.
    public static func run(
        camera: String, thresholds: DetectorThresholds, timeZone: TimeZone, location: Coordinate?, health: [HealthRecord],
        keyframes: [RecordedKeyframe], visits: [PatrolVisit], stream: StreamHistory = StreamHistory(),
        reference: ReferencePicture? = nil, until end: Date
    ) -> [ReplayedEvent] {
        var inputs = health.map(Input.health) + visits.map(Input.visit)
        inputs += keyframes.compactMap { keyframe in keyframe.stats.map { Input.keyframe($0, at: keyframe.wallClock) } }
        inputs += stream.throughput.map(Input.throughput) + stream.clockReadings.map(Input.clock)
        inputs += stream.declaredFrameRates.map(Input.declaredFrameRate)
        inputs += keyframeIntervals(stream.keyframeTimes, health: health.sorted { $0.at < $1.at })
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
            case .throughput(let reading):
                guard reading.seconds > 0 else { continue }
                take(
                    detector.observe(
                        bitrate: Double(reading.bytes * 8) / reading.seconds, frameRate: Double(reading.frames) / reading.seconds,
                        seconds: reading.seconds, at: reading.at))
            case .clock(let reading):
                take(detector.observe(clockOffset: reading.offset, at: reading.at))
            case .keyframeInterval(let seconds, let at):
                take(detector.observe(keyframeInterval: seconds, at: at))
            case .declaredFrameRate(let declared):
                // As the live engine sets it at the end of each keyframe's analysis (`EventEngine.observe`).
                detector.declaredFrameRate = declared.rate
            }
        }
        if let due = detector.outageDue, due < end { take(detector.tick(now: due)) }
        return events
    }
}
