public import Archive
public import CameraRegistry
public import Foundation

/// The patrol as `skygate patrol status` and `GET /api/patrol` show it: the round's progress as the service last
/// published it, and every patrol camera with its latest visit, oldest visit first (never visited first).
public struct PatrolReport: Sendable, Codable {
    public struct CameraLine: Sendable, Codable {
        public var camera: String
        public var name: String
        public var grid: String?
        public var lastVisit: PatrolVisit?
    }

    /// Nil when no service has patrolled this data directory.
    public var progress: PatrolProgress?
    /// Latest visits by outcome ("ok", "unreachable", "noKeyframe"), and cameras never visited.
    public var outcomes: [String: Int]
    public var neverVisited: Int
    /// Cameras in patrol mode (of the grid asked for); `cameras` may list fewer.
    public var total: Int
    /// The patrol cameras, oldest visit first: all, or the first `limit`.
    public var cameras: [CameraLine]

    /// Reads the report; `gridID` keeps the cameras of one grid and those below it, `limit` the first cameras of the
    /// list (a dashboard refreshing every few seconds needs the longest unvisited, not a district's 7,000 lines).
    public static func read(registry: Registry, archive: ArchiveDatabase, gridID: String? = nil, limit: Int? = nil) throws
        -> PatrolReport
    {
        let records = try registry.cameras(CameraFilter(gridID: gridID, modes: [.patrol]))
        let latest = try PatrolVisitLog(store: archive).latest(cameras: records.map(\.camera.id.rawValue))
        let lines = records.map { record in
            CameraLine(
                camera: record.camera.id.rawValue, name: record.camera.name, grid: record.gridPath.last?.id,
                lastVisit: latest[record.camera.id.rawValue])
        }.sorted { ($0.lastVisit?.startedAt ?? .distantPast, $0.camera) < ($1.lastVisit?.startedAt ?? .distantPast, $1.camera) }
        return PatrolReport(
            progress: try StatusStore(store: archive).read(patrol: PatrolProgress.self),
            outcomes: Dictionary(grouping: lines.compactMap(\.lastVisit), by: \.outcome.rawValue).mapValues(\.count),
            neverVisited: lines.filter { $0.lastVisit == nil }.count, total: lines.count,
            cameras: limit.map { Array(lines.prefix($0)) } ?? lines)
    }

    /// The latest visit, in brief, of every patrol camera (of `gridID` and the grids below it) that has had one: what
    /// the dashboard's map colours patrol cameras by.
    public static func latestVisits(registry: Registry, archive: ArchiveDatabase, gridID: String? = nil) throws
        -> [PatrolVisitBrief]
    {
        let cameras = try registry.cameras(CameraFilter(gridID: gridID, modes: [.patrol])).map(\.camera.id.rawValue)
        let latest = try PatrolVisitLog(store: archive).latestBriefs(cameras: cameras)
        return cameras.compactMap { latest[$0] }
    }
}
