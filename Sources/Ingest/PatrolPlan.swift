public import Foundation

/// How often patrol cameras are visited: an interval by time of day (every 15 minutes by day, hourly by night), a
/// shorter one for cameras with an open fault, and windows in which some grids are not visited.
public struct PatrolPlan: Sendable, Equatable {
    /// From `startMinute` (minutes after local midnight) until the next period's start, a camera is due `interval`
    /// seconds after its last visit began.
    public struct Period: Sendable, Equatable {
        public var startMinute: Int
        public var interval: TimeInterval

        public init(startMinute: Int, interval: TimeInterval) {
            self.startMinute = startMinute
            self.interval = interval
        }
    }

    /// From `startMinute` to `endMinute` (local; a window may cross midnight), the cameras of `grids` (and of the
    /// grids below them), or every camera when `grids` is nil, are not visited.
    public struct QuietWindow: Sendable, Equatable {
        public var grids: Set<String>?
        public var startMinute: Int
        public var endMinute: Int

        public init(grids: Set<String>?, startMinute: Int, endMinute: Int) {
            self.grids = grids
            self.startMinute = startMinute
            self.endMinute = endMinute
        }

        func contains(minute: Int) -> Bool {
            startMinute <= endMinute
                ? (startMinute..<endMinute).contains(minute) : minute >= startMinute || minute < endMinute
        }
    }

    /// Sorted by start; the last one started (wrapping over midnight) applies.
    public private(set) var periods: [Period]
    public var quietWindows: [QuietWindow]
    /// A camera with an open fault is due this long after its last visit, if that is sooner: a fault is confirmed or
    /// cleared within minutes, not at the next round.
    public var faultRevisit: TimeInterval
    public var timeZone: TimeZone

    public init(
        periods: [Period], quietWindows: [QuietWindow] = [], faultRevisit: TimeInterval = 300,
        timeZone: TimeZone = .current
    ) {
        precondition(!periods.isEmpty, "a patrol plan needs at least one period")
        self.periods = periods.sorted { $0.startMinute < $1.startMinute }
        self.quietWindows = quietWindows
        self.faultRevisit = faultRevisit
        self.timeZone = timeZone
    }

    /// Every 15 minutes from 07:00, hourly from 22:00; faults re-visited after 5 minutes.
    public static func standard(timeZone: TimeZone = .current) -> PatrolPlan {
        PatrolPlan(
            periods: [Period(startMinute: 7 * 60, interval: 900), Period(startMinute: 22 * 60, interval: 3600)],
            timeZone: timeZone)
    }

    /// The same interval all day.
    public static func every(_ interval: TimeInterval, timeZone: TimeZone = .current) -> PatrolPlan {
        PatrolPlan(periods: [Period(startMinute: 0, interval: interval)], timeZone: timeZone)
    }

    /// The interval that applies at `date`.
    public func interval(at date: Date) -> TimeInterval {
        let minute = minuteOfDay(date)
        return (periods.last { $0.startMinute <= minute } ?? periods.last!).interval
    }

    /// Whether a camera of `gridPath` (its grid and the grids above it) may not be visited at `date`.
    public func isQuiet(gridPath: [String], at date: Date) -> Bool { quiet(at: date).contains(gridPath: gridPath) }

    /// The windows in force at `date`, read once: the planner asks for every camera at every visit's end, and the local
    /// time of day (a `Calendar`) is not worth computing 7,000 times for one instant.
    func quiet(at date: Date) -> QuietNow {
        guard !quietWindows.isEmpty else { return QuietNow(everything: false, grids: []) }
        let minute = minuteOfDay(date)
        let active = quietWindows.filter { $0.contains(minute: minute) }
        return QuietNow(everything: active.contains { $0.grids == nil }, grids: Set(active.flatMap { $0.grids ?? [] }))
    }

    /// The quiet windows in force at one instant.
    struct QuietNow {
        var everything: Bool
        var grids: Set<String>

        func contains(gridPath: [String]) -> Bool { everything || !grids.isDisjoint(with: gridPath) }
    }

    func minuteOfDay(_ date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
    }
}
