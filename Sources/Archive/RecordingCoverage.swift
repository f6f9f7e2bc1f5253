public import Foundation

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
    /// covering exactly `from…to`. An index lookup (keyframes and gap rows), not a scan of segment files.
    ///
    /// A recorded span runs from a keyframe to the last keyframe before a gap (recording continues up to one GOP past
    /// it). Two keyframes further apart than `max(10 s, 3 × the median keyframe interval)` with no gap row between
    /// them are a gap too: the service was not running, so no worker saw the outage.
    public func coverage(camera: String, from: Date, to: Date) throws -> [CoverageSpan] {
        precondition(from <= to, "coverage needs from ≤ to")
        var keyframes = try self.keyframes(camera: camera, from: from, to: to)
        if let before = try keyframe(camera: camera, atOrBefore: from), keyframes.first?.wallClock != before.wallClock {
            keyframes.insert(before, at: 0)
        }
        let gapRows = try gaps(camera: camera, from: from, to: to).sorted { $0.from < $1.from }
        guard !keyframes.isEmpty else { return [CoverageSpan(kind: .gap, from: from, to: to, reason: "not recorded")] }

        let intervals = zip(keyframes, keyframes.dropFirst()).map { $1.wallClock.timeIntervalSince($0.wallClock) }.sorted()
        let median = intervals.isEmpty ? 0 : intervals[intervals.count / 2]
        let longest = max(10, 3 * median)

        var spans: [CoverageSpan] = []
        var runStart = keyframes[0].wallClock
        var runCount = 1
        // One pass over keyframes and gap rows together (both in time order): the gap rows that start before a
        // keyframe can belong to no later pair. (A search of every gap row for each pair took 16 s at 1.5 M rows.)
        var nextGap = 0
        for (previous, next) in zip(keyframes, keyframes.dropFirst()) {
            while nextGap < gapRows.count && gapRows[nextGap].from < previous.wallClock { nextGap += 1 }
            let row = gapRows[nextGap...].prefix { $0.from <= next.wallClock }.first { $0.to <= next.wallClock }
            let tooFar = next.wallClock.timeIntervalSince(previous.wallClock) > longest
            if row != nil || tooFar {
                spans.append(CoverageSpan(kind: .recorded, from: runStart, to: previous.wallClock, keyframes: runCount))
                spans.append(
                    CoverageSpan(kind: .gap, from: previous.wallClock, to: next.wallClock, reason: row?.reason ?? "not recorded"))
                runStart = next.wallClock
                runCount = 0
            }
            runCount += 1
        }
        // The last GOP is recorded too (up to the next keyframe, about one median interval on).
        spans.append(
            CoverageSpan(
                kind: .recorded, from: runStart, to: keyframes.last!.wallClock.addingTimeInterval(median), keyframes: runCount))

        // Clip to the asked range, and say where nothing is known at either end.
        var clipped: [CoverageSpan] = []
        if spans[0].from > from {
            clipped.append(CoverageSpan(kind: .gap, from: from, to: spans[0].from, reason: "not recorded"))
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
