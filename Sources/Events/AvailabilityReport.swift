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
        let cameras = try registry.cameras(CameraFilter(gridID: grid))
        let transitions = Dictionary(grouping: try health.transitions(camera: nil, from: rangeStart, to: rangeEnd), by: \.camera)
        let eventsByDevice = Dictionary(
            grouping: try events?.events(EventQuery(from: rangeStart, to: rangeEnd, limit: Int.max)) ?? [], by: \.device)
        var stateAtStart: [String: HealthRecord] = [:]
        for record in cameras {
            let id = record.camera.id.rawValue
            stateAtStart[id] = try health.transition(camera: id, before: rangeStart)
        }
        // The rows a grid or key location sums: the cameras in the grid or below it, or linked to the location.
        let groups: [(id: String, name: String, contains: (CameraRecord) -> Bool)] =
            switch grouping {
            case .camera: []
            case .grid: try registry.grids().map { grid in (grid.id, grid.name, { $0.gridPath.contains { $0.id == grid.id } }) }
            case .location:
                try registry.keyLocations().map { location in
                    (location.id, location.name, { $0.keyLocations.contains { $0.locationID == location.id } })
                }
            }
        var rows: [AvailabilityRow] = []
        for (start, end) in Self.periods(from: rangeStart, to: rangeEnd, daily: daily, timeZone: timeZone) {
            var byCamera: [String: AvailabilityRow] = [:]
            for record in cameras {
                let id = record.camera.id.rawValue
                let all = transitions[id] ?? []
                // The state the camera was in when the period began, then what happened within it.
                let before = all.last { $0.at < start } ?? stateAtStart[id]
                let history = (before.map { [$0] } ?? []) + all.filter { $0.at >= start && $0.at < end }
                let events = (eventsByDevice[id] ?? []).filter { $0.since < end && ($0.clearedAt ?? now) >= start }
                byCamera[id] = Availability.camera(
                    id, name: record.camera.name, history: history, events: events, from: start, to: end, now: now)
            }
            guard grouping != .camera else {
                rows += cameras.compactMap { byCamera[$0.camera.id.rawValue] }
                continue
            }
            for group in groups {
                let members = cameras.filter(group.contains)
                guard !members.isEmpty else { continue }
                rows.append(
                    Availability.rollup(
                        members.compactMap { byCamera[$0.camera.id.rawValue] }, scope: grouping.rawValue, id: group.id,
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
