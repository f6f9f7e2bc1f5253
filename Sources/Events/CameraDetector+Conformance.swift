public import Foundation

extension CameraDetector {
    /// A recorded camera's keyframe came `seconds` after the previous one: long GOP is raised after `raiseAfter`
    /// intervals over `longGOPSeconds` in a row and cleared after `clearAfter` within it. Not judged while the camera
    /// is offline or stalled (no stream, no GOP).
    public mutating func observe(keyframeInterval seconds: Double, at time: Date) -> [DetectorTransition] {
        guard openKinds.isDisjoint(with: [.offline, .stalled]) else { return [] }
        return judgeGOP(seconds, atLeast: false, at: time)
    }

    /// Long GOP, from the GOP a visit or a recording measured: too long when even its lower bound is over the limit;
    /// conforming only when two keyframes came within it. A lower bound under the limit (the visit ended first) says
    /// nothing.
    mutating func judgeGOP(_ gop: Double?, atLeast: Bool, at time: Date) -> [DetectorTransition] {
        guard let gop, !thresholds.disabled.contains(.longGOP) else { return [] }
        let limit = thresholds.longGOPSeconds
        if gop > limit { return judge(.longGOP, faulty: ["gop": gop, "limit": limit], at: time) }
        return atLeast ? [] : judge(.longGOP, faulty: nil, at: time)
    }
}
