public import Archive
public import CameraRegistry
public import Foundation

/// Makes the assessment report (`skygate report assessment`, `/api/reports/assessment`) from the registry, the health
/// history, the events, the recording index and the patrol visits.
public struct AssessmentReport: Sendable {
    private let registry: Registry
    private let archive: ArchiveDatabase
    private let events: EventStore?

    /// - Parameter events: nil when no event store exists yet (every camera is then fault-free).
    public init(registry: Registry, archive: ArchiveDatabase, events: EventStore?) {
        self.registry = registry
        self.archive = archive
        self.events = events
    }

    /// The report for `from..<to`, limited to the cameras in `grid` or below it; days are local days in `timeZone`.
    public func make(from: Date, to: Date, grid: String? = nil, timeZone: TimeZone = .current, now: Date = Date()) throws
        -> Assessment
    {
        let history = try ReportHistory(
            registry: registry, health: HealthLog(store: archive), events: events, from: from, to: to, grid: grid)
        let recordings = RecordingIndex(store: archive)
        let visits = PatrolVisitLog(store: archive)
        var cameras: [AssessmentRow] = []
        for record in history.cameras {
            let id = record.camera.id.rawValue
            let recording = try record.camera.mode == .record ? Self.recording(id, history, recordings, from, to, now) : nil
            let size =
                try recordings.pictureSize(camera: id, from: from, to: to)
                ?? visits.pictureSize(camera: id, from: from, to: to)
            cameras.append(
                .camera(
                    record, availability: history.availability(of: record, from: from, to: to, now: now),
                    events: history.events(of: id, from: from, to: to, now: now), recording: recording, size: size,
                    from: from, to: to, now: now))
        }
        let byID = Dictionary(uniqueKeysWithValues: cameras.map { ($0.id, $0) })
        func sum(_ scope: AssessmentRow.Scope, _ id: String, _ name: String, _ members: [CameraRecord]) -> AssessmentRow {
            var row = AssessmentRow(scope: scope, id: id, name: name, cameras: members.count)
            for member in members { byID[member.camera.id.rawValue].map { row.add($0) } }
            return row
        }
        let allGrids = try registry.grids()
        let levels = Dictionary(uniqueKeysWithValues: allGrids.map { ($0.id, $0.level) })
        let names = Dictionary(uniqueKeysWithValues: allGrids.map { ($0.id, $0.name) })
        let grids = try ReportHistory.groups(.grid, registry: registry, cameras: history.cameras).map { group in
            var row = sum(.grid, group.id, group.name, group.members)
            row.level = levels[group.id]
            return row
        }
        let locations = try ReportHistory.groups(.location, registry: registry, cameras: history.cameras).map {
            sum(.location, $0.id, $0.name, $0.members)
        }
        return Assessment(
            from: from, to: to, generatedAt: now, grid: grid,
            total: sum(.total, grid ?? "all", grid.flatMap { names[$0] } ?? "全部 All", history.cameras),
            grids: grids, locations: locations, cameras: cameras, worst: Assessment.worst(of: cameras),
            daily: days(history, from: from, to: to, timeZone: timeZone, now: now))
    }

    /// What a recorded camera was expected to record of the period (`Availability.expectedRecordingIntervals`) and
    /// what the index holds of that, in seconds.
    private static func recording(
        _ camera: String, _ history: ReportHistory, _ index: RecordingIndex, _ from: Date, _ to: Date, _ now: Date
    ) throws -> (recorded: Double, expected: Double) {
        let end = min(to, max(from, now))
        let expected = Availability.expectedRecordingIntervals(
            history.history(of: camera, from: from, to: end), from: from, to: end)
        let recorded = try index.coverage(camera: camera, from: from, to: end).filter { $0.kind == .recorded }
        let held = Availability.intersect(expected, Availability.union(recorded.map { ($0.from, $0.to) }))
        return (Availability.total(held), Availability.total(expected))
    }

    /// The online and fault-free rates of everything reported, per local day; days after `now` left out.
    private func days(_ history: ReportHistory, from: Date, to: Date, timeZone: TimeZone, now: Date) -> [Assessment.Day] {
        let format = Date.ISO8601FormatStyle(timeZone: timeZone).year().month().day()
        return AvailabilityReport.periods(from: from, to: to, daily: true, timeZone: timeZone).filter { $0.0 < now }.map {
            start, end in
            var total = AssessmentRow(scope: .total, id: "", name: "", cameras: history.cameras.count)
            for record in history.cameras {
                let availability = history.availability(of: record, from: start, to: end, now: now)
                total.monitoredSeconds += availability.monitoredSeconds
                total.onlineSeconds += availability.onlineSeconds
                total.faultFreeSeconds += availability.faultFreeSeconds
            }
            return Assessment.Day(
                date: start.formatted(format), from: start, to: end, onlinePercent: total.onlinePercent,
                faultFreePercent: total.faultFreePercent)
        }
    }
}
