import Archive
import CameraRegistry
import Foundation

/// The health history and events of a set of cameras over a range, read once for a report; each period and camera
/// then takes its part in memory.
struct ReportHistory {
    let cameras: [CameraRecord]
    private let transitions: [String: [HealthRecord]]
    /// Each camera's last transition before the range: the state it was in when the range began.
    private let stateAtStart: [String: HealthRecord]
    private let eventsByDevice: [String: [Event]]

    /// - Parameters:
    ///   - events: nil when no event store exists yet (every camera is then fault-free).
    ///   - grid: only cameras in this grid or below it.
    init(registry: Registry, health: HealthLog, events: EventStore?, from: Date, to: Date, grid: String?) throws {
        cameras = try registry.cameras(CameraFilter(gridID: grid))
        transitions = Dictionary(grouping: try health.transitions(camera: nil, from: from, to: to), by: \.camera)
        eventsByDevice = Dictionary(
            grouping: try events?.events(EventQuery(from: from, to: to, limit: Int.max)) ?? [], by: \.device)
        var stateAtStart: [String: HealthRecord] = [:]
        for record in cameras {
            let id = record.camera.id.rawValue
            stateAtStart[id] = try health.transition(camera: id, before: from)
        }
        self.stateAtStart = stateAtStart
    }

    /// The camera's events overlapping `start..<end` (open ones until `now`).
    func events(of camera: String, from start: Date, to end: Date, now: Date) -> [Event] {
        (eventsByDevice[camera] ?? []).filter { $0.since < end && ($0.clearedAt ?? now) >= start }
    }

    /// A camera's health over `start..<end`: the state it was in when the period began, then what happened within it.
    func history(of camera: String, from start: Date, to end: Date) -> [HealthRecord] {
        let all = transitions[camera] ?? []
        let before = all.last { $0.at < start } ?? stateAtStart[camera]
        return (before.map { [$0] } ?? []) + all.filter { $0.at >= start && $0.at < end }
    }

    /// One camera's availability over `start..<end`, a part of the range read.
    func availability(of record: CameraRecord, from start: Date, to end: Date, now: Date) -> AvailabilityRow {
        let id = record.camera.id.rawValue
        let history = history(of: id, from: start, to: end)
        return Availability.camera(
            id, name: record.camera.name, history: history, events: events(of: id, from: start, to: end, now: now),
            from: start, to: end, now: now)
    }

    /// The grids (with every camera in them or below) or key locations (with the cameras linked to them) a report
    /// sums, each with its member cameras; groups without a camera left out.
    static func groups(_ grouping: AvailabilityReport.Grouping, registry: Registry, cameras: [CameraRecord]) throws
        -> [(id: String, name: String, members: [CameraRecord])]
    {
        let groups: [(id: String, name: String, contains: (CameraRecord) -> Bool)] =
            switch grouping {
            case .camera: []
            case .grid: try registry.grids().map { grid in (grid.id, grid.name, { $0.gridPath.contains { $0.id == grid.id } }) }
            case .location:
                try registry.keyLocations().map { location in
                    (location.id, location.name, { $0.keyLocations.contains { $0.locationID == location.id } })
                }
            }
        return groups.map { ($0.id, $0.name, cameras.filter($0.contains)) }.filter { !$0.members.isEmpty }
    }
}
