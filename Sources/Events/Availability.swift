public import Archive
public import Foundation
import Ingest

/// Availability (在线率) and soundness (完好率) of cameras over a period, from the health history (when the gateway was
/// watching a camera) and the events (when it was offline or faulty).
///
/// - Monitored: the time the gateway was watching the camera (not stopped, not disabled by an operator).
/// - Online: monitored time outside offline and stalled events (false alarms aside). Reconnects shorter than the offline threshold are
///   not events, so they count as online, as they do for operators.
/// - Fault-free: monitored time outside every event of the camera (offline, picture faults, degradation), except the
///   events an operator reviewed as false alarms, which are counted apart (`falseAlarms`).
/// - Fault-free, confirmed only: the same, counting only the events an operator confirmed (unreviewed ones aside).
public struct AvailabilityRow: Sendable, Codable, Equatable {
    /// What the row covers: "camera", "grid" or "location".
    public var scope: String
    public var id: String
    public var name: String
    public var from: Date
    public var to: Date
    /// Cameras counted in the row.
    public var cameras: Int
    public var monitoredSeconds: Double
    public var onlineSeconds: Double
    public var faultFreeSeconds: Double
    /// Monitored time outside the events an operator confirmed.
    public var faultFreeConfirmedSeconds: Double = 0
    /// Per event kind: how many events overlapped the period and for how long (clipped to it); false alarms not.
    public var faults: [String: FaultTally]
    /// Events of the period that an operator reviewed as false alarms.
    public var falseAlarms = 0

    public struct FaultTally: Sendable, Codable, Equatable {
        public var count: Int
        public var seconds: Double

        public init(count: Int, seconds: Double) {
            self.count = count
            self.seconds = seconds
        }
    }

    /// Online share of the monitored time, in percent; nil when nothing was monitored.
    public var onlinePercent: Double? { monitoredSeconds > 0 ? 100 * onlineSeconds / monitoredSeconds : nil }
    public var faultFreePercent: Double? { monitoredSeconds > 0 ? 100 * faultFreeSeconds / monitoredSeconds : nil }
    public var faultFreeConfirmedPercent: Double? {
        monitoredSeconds > 0 ? 100 * faultFreeConfirmedSeconds / monitoredSeconds : nil
    }
}

public enum Availability {
    typealias Interval = (start: Date, end: Date)

    /// One camera's row. `history` is its health history in time order, including the last transition before
    /// `from` (the state it was in when the period began); `events` are its events overlapping the period.
    public static func camera(
        _ camera: String, name: String, history: [HealthRecord], events: [Event], from: Date, to: Date, now: Date = Date()
    ) -> AvailabilityRow {
        let end = min(to, now)
        // Within the period as a fault is counted: overlapping it, or starting in it.
        func inPeriod(_ event: Event) -> Bool {
            min(event.clearedAt ?? now, end) > max(event.since, from) || (event.since >= from && event.since < to)
        }
        // A false alarm was no fault: it neither shortens the fault-free time nor counts as a fault.
        let falseAlarms = events.filter { $0.review?.verdict == .falseAlarm && inPeriod($0) }.count
        let events = events.filter { $0.review?.verdict != .falseAlarm }
        let monitored = monitoredIntervals(history, from: from, to: end)
        let monitoredSeconds = total(monitored)
        func covered(_ counted: (Event) -> Bool) -> Double {
            let spans = events.filter(counted).map { ($0.since, $0.clearedAt ?? now) }
            return total(intersect(monitored, union(spans)))
        }
        var faults: [String: AvailabilityRow.FaultTally] = [:]
        for event in events where inPeriod(event) {
            let start = max(event.since, from)
            let stop = min(event.clearedAt ?? now, end)
            var tally = faults[event.kind.rawValue] ?? AvailabilityRow.FaultTally(count: 0, seconds: 0)
            tally.count += 1
            tally.seconds += max(0, stop.timeIntervalSince(start))
            faults[event.kind.rawValue] = tally
        }
        var row = AvailabilityRow(
            scope: "camera", id: camera, name: name, from: from, to: to, cameras: 1, monitoredSeconds: monitoredSeconds,
            onlineSeconds: monitoredSeconds - covered { $0.kind == .offline || $0.kind == .stalled },
            faultFreeSeconds: monitoredSeconds - covered { !$0.kind.isAlarm }, faults: faults)
        row.faultFreeConfirmedSeconds = monitoredSeconds - covered { !$0.kind.isAlarm && $0.review?.verdict == .confirmed }
        row.falseAlarms = falseAlarms
        return row
    }

    /// Cameras' rows summed into one for a grid or key location: percentages of the summed time, so a camera
    /// watched longer weighs more.
    public static func rollup(_ rows: [AvailabilityRow], scope: String, id: String, name: String, from: Date, to: Date)
        -> AvailabilityRow
    {
        var result = AvailabilityRow(
            scope: scope, id: id, name: name, from: from, to: to, cameras: rows.count, monitoredSeconds: 0, onlineSeconds: 0,
            faultFreeSeconds: 0, faults: [:])
        for row in rows {
            result.monitoredSeconds += row.monitoredSeconds
            result.onlineSeconds += row.onlineSeconds
            result.faultFreeSeconds += row.faultFreeSeconds
            result.faultFreeConfirmedSeconds += row.faultFreeConfirmedSeconds
            result.falseAlarms += row.falseAlarms
            for (kind, tally) in row.faults {
                result.faults[kind, default: AvailabilityRow.FaultTally(count: 0, seconds: 0)].count += tally.count
                result.faults[kind, default: AvailabilityRow.FaultTally(count: 0, seconds: 0)].seconds += tally.seconds
            }
        }
        return result
    }

    /// The stretches of [from, to) when the gateway watched the camera: from any working state (connecting,
    /// streaming, stalled, offline) until it was stopped or disabled.
    static func monitoredIntervals(_ history: [HealthRecord], from: Date, to: Date) -> [Interval] {
        intervals(history, from: from, to: to) { $0 != .stopped && $0 != .disabled }
    }

    /// The stretches of [from, to) in which the camera was expected to record: from its first record in the history
    /// on, except while an operator had it disabled (or out of recording). A stopped service is no excuse: its time
    /// counts as missing recording.
    static func expectedRecordingIntervals(_ history: [HealthRecord], from: Date, to: Date) -> [Interval] {
        intervals(history, from: from, to: to) { $0 != .disabled }
    }

    /// The stretches of [from, to) from a record whose state `counts` until one whose state does not.
    private static func intervals(
        _ history: [HealthRecord], from: Date, to: Date, while counts: (HealthState?) -> Bool
    ) -> [Interval] {
        var intervals: [Interval] = []
        var since: Date?
        for record in history where record.at < to {
            let watching = counts(record.healthState)
            let at = max(record.at, from)
            if watching, since == nil {
                since = at
            } else if !watching, let start = since {
                if at > start { intervals.append((start, at)) }
                since = nil
            }
        }
        if let start = since, to > start { intervals.append((start, to)) }
        return intervals
    }

    static func union(_ spans: [Interval]) -> [Interval] {
        var merged: [Interval] = []
        for span in spans.sorted(by: { $0.start < $1.start }) where span.end > span.start {
            if let last = merged.last, span.start <= last.end {
                merged[merged.count - 1].end = max(last.end, span.end)
            } else {
                merged.append(span)
            }
        }
        return merged
    }

    /// Both lists sorted and disjoint.
    static func intersect(_ a: [Interval], _ b: [Interval]) -> [Interval] {
        var result: [Interval] = []
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            let start = max(a[i].start, b[j].start)
            let end = min(a[i].end, b[j].end)
            if end > start { result.append((start, end)) }
            if a[i].end < b[j].end { i += 1 } else { j += 1 }
        }
        return result
    }

    static func total(_ intervals: [Interval]) -> Double {
        intervals.reduce(0) { $0 + $1.end.timeIntervalSince($1.start) }
    }
}
