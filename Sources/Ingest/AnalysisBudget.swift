public import Foundation

/// How keyframe analysis keeps to its budget: every recorded camera gets an analysed keyframe at least every
/// `interval` seconds (`AnalysisSchedule` serves the camera analysed longest ago first), and when even that does not
/// fit, the interval stretches for all alike and this says by how much.
public struct AnalysisBudgetStatus: Sendable, Codable, Equatable {
    /// The configured interval (`skygate serve --analysis-interval`).
    public var interval: Double
    /// The largest analysis age over the streaming cameras: the interval analysis actually achieves.
    public var largestAge: Double
    /// Streaming cameras whose analysis age exceeds the interval (or, for a camera whose keyframes are further apart,
    /// its GOP and a second) although a newer keyframe was recorded since it began streaming.
    public var behind: Int

    public init(interval: Double, largestAge: Double, behind: Int) {
        self.interval = interval
        self.largestAge = largestAge
        self.behind = behind
    }

    /// The budget over `cameras` (their `analysisAge` set) at `interval`.
    public init(interval: Double, cameras: [CameraStatus]) {
        let ages = cameras.compactMap { camera in camera.analysisAge.map { (camera, $0) } }
        self.init(
            interval: interval, largestAge: ages.map(\.1).max() ?? 0,
            behind: ages.filter { camera, age in
                let newerKeyframe =
                    (camera.lastKeyframe ?? .distantPast)
                    > max(camera.lastAnalysedKeyframe ?? .distantPast, camera.since)
                return newerKeyframe && age > max(interval, (camera.gop ?? 0) + 1)
            }.count)
    }

    public var isStretched: Bool { behind > 0 }
}

/// When to tell the operator that analysis fell behind its interval, and that it caught up: a warning when it first
/// stretches and at most once a `repeatInterval` while it stays so, a notice when it is back. Time is an input.
struct AnalysisBudgetWatch {
    enum Notice: Equatable {
        case stretched(AnalysisBudgetStatus)
        case recovered(AnalysisBudgetStatus)
    }

    var repeatInterval: TimeInterval = 60
    private var warnedAt: Date?

    /// What to log now, if anything.
    mutating func observe(_ status: AnalysisBudgetStatus, at now: Date) -> Notice? {
        if status.isStretched {
            if let warnedAt, now.timeIntervalSince(warnedAt) < repeatInterval { return nil }
            warnedAt = now
            return .stretched(status)
        }
        guard warnedAt != nil else { return nil }
        warnedAt = nil
        return .recovered(status)
    }
}
