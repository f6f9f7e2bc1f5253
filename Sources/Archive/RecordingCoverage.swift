public import Foundation
internal import GRDB

/// One stretch of a coverage answer: recorded, or not and why.
public struct CoverageSpan: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case recorded, gap }
    public var kind: Kind
    public var from: Date
    public var to: Date
    /// For gaps: why nothing was recorded ("ended", "noData", "refused", …; "not recorded" where the gateway has no
    /// record of why, e.g. before the first recording or while the service was stopped).
    public var reason: String?
    /// For recorded spans: the keyframes in it.
    public var keyframes: Int?

    public var duration: Double { to.timeIntervalSince(from) }
}

extension RecordingIndex {
    /// What was recorded for `camera` between two times: recorded spans and the gaps between them, in time order,
    /// covering exactly `from…to`. Read from the camera's recording runs (`RecordingRun`), not from its keyframes: a
    /// month of one camera is a few hundred rows, where its 1.3 million keyframes took 28 s (debug build) and 1 GB.
    ///
    /// A recorded span runs from a keyframe to the last keyframe before a gap (recording continues up to one GOP past
    /// it). Two keyframes further apart than a run's longest pause with no gap row between them are a gap too: the
    /// service was not running, so no worker saw the outage.
    public func coverage(camera: String, from: Date, to: Date) throws -> [CoverageSpan] {
        precondition(from <= to, "coverage needs from ≤ to")
        let (lower, upper) = (from.timeIntervalSince1970, to.timeIntervalSince1970)
        return try store.read("query coverage") { db in
            // The run under way at `from` too, even if it ended before: the gap after it then has its reason.
            var runs = try RecordingRun.overlapping(camera: camera, from: lower, to: upper, db)
            if let before = try RecordingRun.last(camera: camera, startingBy: lower, db),
                !runs.contains(where: { $0.rowID == before.rowID })
            {
                runs.insert(before, at: 0)
            }
            guard !runs.isEmpty else { return [CoverageSpan(kind: .gap, from: from, to: to, reason: "not recorded")] }
            let gapRows = try Row.fetchAll(
                db, sql: "SELECT * FROM recording_gap WHERE camera = ? AND to_time >= ? AND from_time <= ? ORDER BY from_time",
                arguments: [camera, runs[0].to, upper]
            ).map { (from: $0["from_time"] as Double, to: $0["to_time"] as Double, reason: $0["reason"] as String) }

            var spans: [CoverageSpan] = []
            var nextGap = 0
            for (position, run) in runs.enumerated() {
                let isLast = position == runs.count - 1
                // The last GOP is recorded too (up to the next keyframe, about one interval on).
                let end = run.to + (isLast ? run.lastInterval ?? 0 : 0)
                if end > lower && run.from < upper {
                    let keyframes = try Self.keyframeCount(in: run, from: lower, to: upper, db)
                    spans.append(span(.recorded, run.from, end, keyframes: keyframes))
                }
                guard !isLast else { continue }
                let next = runs[position + 1]
                // Gap rows in time order: those that end before this run does belong to no later hole either.
                while nextGap < gapRows.count && gapRows[nextGap].to <= run.to { nextGap += 1 }
                let row = gapRows[nextGap...].first { $0.from < next.from }
                spans.append(span(.gap, run.to, next.from, reason: row?.reason ?? "not recorded"))
            }
            return Self.clipped(spans, from: from, to: to)
        }
    }

    /// The keyframes of `run` within `from…to` (seconds since 1970), counting the one before `from` where playing from
    /// `from` starts. Counts the smaller side of the run in the index: a month's run clipped to a day counts the day.
    static func keyframeCount(in run: RecordingRun, from: Double, to: Double, _ db: Database) throws -> Int {
        guard from > run.from || to < run.to else { return run.keyframes }
        let start =
            from > run.from
            ? try Double.fetchOne(
                db, sql: "SELECT MAX(wall_time) FROM recorded_keyframe WHERE camera = ? AND wall_time BETWEEN ? AND ?",
                arguments: [run.camera, run.from, from]) ?? run.from : run.from
        let end = min(to, run.to)
        func count(_ condition: String, _ lower: Double, _ upper: Double) throws -> Int {
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM recorded_keyframe WHERE camera = ? AND \(condition)",
                arguments: [run.camera, lower, upper]) ?? 0
        }
        if end - start <= (run.to - run.from) / 2 { return try count("wall_time BETWEEN ? AND ?", start, end) }
        return try run.keyframes - count("wall_time >= ? AND wall_time < ?", run.from, start)
            - count("wall_time > ? AND wall_time <= ?", end, run.to)
    }

    /// `spans` clipped to `from…to`, with "not recorded" where nothing is known at either end.
    static func clipped(_ spans: [CoverageSpan], from: Date, to: Date) -> [CoverageSpan] {
        var clipped: [CoverageSpan] = []
        if let first = spans.first, first.from > from {
            clipped.append(CoverageSpan(kind: .gap, from: from, to: first.from, reason: "not recorded"))
        }
        for var span in spans {
            span.from = max(span.from, from)
            span.to = min(span.to, to)
            if span.to > span.from { clipped.append(span) }
        }
        // After the last recording: not recorded, from where the recording ended or the range began.
        let recordedUntil = max(clipped.last?.to ?? from, from)
        if recordedUntil < to {
            clipped.append(CoverageSpan(kind: .gap, from: recordedUntil, to: to, reason: "not recorded"))
        }
        return clipped
    }
}

private func span(
    _ kind: CoverageSpan.Kind, _ from: Double, _ to: Double, keyframes: Int? = nil, reason: String? = nil
) -> CoverageSpan {
    CoverageSpan(
        kind: kind, from: Date(timeIntervalSince1970: from), to: Date(timeIntervalSince1970: to), reason: reason,
        keyframes: keyframes)
}
