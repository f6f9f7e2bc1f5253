public import Archive
public import CameraRegistry
public import Foundation

/// The availability report (`skygate report availability` and the gateway's `/api/reports/availability`): rows per
/// camera, grid or key location, for a range or for each local day of it.
public struct AvailabilityReport: Sendable {
    /// What one row sums.
    public enum Grouping: String, Sendable, CaseIterable { case camera, grid, location }

    private let registry: Registry
    private let health: HealthLog
    private let events: EventStore?

    /// - Parameter events: nil when no event store exists yet (every camera is then fault-free).
    public init(registry: Registry, health: HealthLog, events: EventStore?) {
        self.registry = registry
        self.health = health
        self.events = events
    }

    /// Reads the range's health history and events once; each period and camera takes its part in memory.
    /// - Parameters:
    ///   - grid: only cameras in this grid or below it.
    ///   - daily: one row per local day in `timeZone` instead of one for the whole range.
    public func rows(
        from rangeStart: Date, to rangeEnd: Date, by grouping: Grouping, daily: Bool = false, grid: String? = nil,
        timeZone: TimeZone = .current, now: Date = Date()
    ) throws -> [AvailabilityRow] {
        let history = try ReportHistory(
            registry: registry, health: health, events: events, from: rangeStart, to: rangeEnd, grid: grid)
        let groups = try ReportHistory.groups(grouping, registry: registry, cameras: history.cameras)
        var rows: [AvailabilityRow] = []
        for (start, end) in Self.periods(from: rangeStart, to: rangeEnd, daily: daily, timeZone: timeZone) {
            var byCamera: [String: AvailabilityRow] = [:]
            for record in history.cameras {
                byCamera[record.camera.id.rawValue] = history.availability(of: record, from: start, to: end, now: now)
            }
            guard grouping != .camera else {
                rows += history.cameras.compactMap { byCamera[$0.camera.id.rawValue] }
                continue
            }
            for group in groups {
                rows.append(
                    Availability.rollup(
                        group.members.compactMap { byCamera[$0.camera.id.rawValue] }, scope: grouping.rawValue, id: group.id,
                        name: group.name, from: start, to: end))
            }
        }
        return rows
    }

    /// The whole range, or its local days.
    static func periods(from: Date, to: Date, daily: Bool, timeZone: TimeZone) -> [(Date, Date)] {
        guard daily else { return [(from, to)] }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var periods: [(Date, Date)] = []
        var start = from
        while start < to {
            let next = calendar.startOfDay(for: start).addingTimeInterval(86_400)
            let end = min(calendar.startOfDay(for: next.addingTimeInterval(3600)), to)
            periods.append((start, end))
            start = end
        }
        return periods
    }
}
