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

    /// Declared frame rates above this are a clock's tick written as the frame rate (some encoders write 90 kHz
    /// timing), not a rate any camera sends.
    static let largestDeclaredFrameRate = 120.0

    /// Frame rate shortfall: `delivered` frames per second against the `declared` rate of the stream's headers. Faulty
    /// below `frameRateShortfallRatio` of it. While an open event hides it (offline, stalled, a degraded stream) it is
    /// not judged, and its count starts again, so a short window before the hiding fault does not count after it. A
    /// stream that declares no usable rate counts as conforming: nothing to fall short of.
    mutating func judgeFrameRate(delivered: Double?, declared: Double?, at time: Date) -> [DetectorTransition] {
        guard let delivered, !thresholds.disabled.contains(.frameRateShortfall) else { return [] }
        guard !open.keys.contains(where: { $0.hides.contains(.frameRateShortfall) }) else {
            resetStreak(.frameRateShortfall)
            return []
        }
        guard let declared, declared > 0, declared <= Self.largestDeclaredFrameRate else {
            return judge(.frameRateShortfall, faulty: nil, at: time)
        }
        let faulty = delivered < thresholds.frameRateShortfallRatio * declared
        let evidence = ["frameRate": delivered, "declaredFrameRate": declared, "ratio": delivered / declared]
        return judge(.frameRateShortfall, faulty: faulty ? evidence : nil, at: time)
    }

    /// A recorded camera's clock against the gateway's, reported at its connection's first keyframes: judged as a visit's.
    /// Not while the camera is offline or stalled.
    public mutating func observe(clockOffset seconds: Double, at time: Date) -> [DetectorTransition] {
        judgeClock(seconds, at: time)
    }

    /// Clock offset: faulty when the camera's clock is more than `clockOffsetSeconds` from the gateway's, either way.
    /// Hidden (and its count started again) while offline or stalled; a reading without a sender report says nothing.
    mutating func judgeClock(_ offset: Double?, at time: Date) -> [DetectorTransition] {
        guard let offset, !thresholds.disabled.contains(.clockOffset) else { return [] }
        guard !open.keys.contains(where: { $0.hides.contains(.clockOffset) }) else {
            resetStreak(.clockOffset)
            return []
        }
        let limit = thresholds.clockOffsetSeconds
        return judge(.clockOffset, faulty: abs(offset) > limit ? ["offset": offset, "limit": limit] : nil, at: time)
    }
}
