public import Archive
public import Foundation

extension CameraDetector {
    /// One patrol visit of a patrolled camera: the unit its hysteresis counts.
    ///
    /// A visit that reached the camera clears offline and judges one picture, its last analysed keyframe: one
    /// observation per visit, so `raiseAfter` and `clearAfter` count visits, and "frozen" compares the picture with
    /// the previous visit's. The stream's GOP is judged against `longGOPSeconds` the same way, its delivered frame rate
    /// against the declared one, and its clock (when a sender report came) against `clockOffsetSeconds`.
    /// `offlineAfterVisits` visits in a row that did not reach it (or got no keyframe) raise offline, from the first of
    /// them, with the first one's reason.
    /// `sunElevation`: the sun's height at the camera at the visit's end, for IR-cut (nil: not judged).
    public mutating func observe(visit: PatrolVisit, sunElevation: Double? = nil) -> [DetectorTransition] {
        let end = visit.startedAt.addingTimeInterval(visit.duration)
        guard visit.outcome == .ok, let picture = visit.keyframes.last else {
            var failed = failedVisits ?? (0, visit.startedAt, visit.reason)
            failed.count += 1
            failedVisits = failed
            guard open[.offline] == nil, failed.count >= thresholds.offlineAfterVisits,
                !thresholds.disabled.contains(.offline)
            else { return [] }
            return [
                raise(.offline, since: failed.since, at: end, evidence: ["visits": Double(failed.count)], reason: failed.reason)
            ]
        }
        failedVisits = nil
        // Reached: not offline, and not stalled either (an event a recording left open when the camera moved to patrol).
        var out = [EventKind.offline, .stalled].filter { open[$0] != nil }.map { clear($0, at: end) }
        out += observe(picture, at: end, sunElevation: sunElevation)
        out += judgeGOP(visit.stream?.gop, atLeast: visit.stream?.gopAtLeast ?? false, at: end)
        out += judgeFrameRate(delivered: visit.stream?.frameRate, declared: visit.stream?.declaredFrameRate, at: end)
        out += judgeClock(visit.stream?.clockOffset, at: end)
        return out
    }
}
