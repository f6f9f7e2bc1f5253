public import Archive
public import CameraRegistry
public import Foundation

/// The service and every camera as `skygate serve` last published them: what `skygate status` prints and
/// `GET /api/status` returns.
public struct ServiceReport: Codable, Sendable {
    /// Whether the service runs, as its published status tells.
    public enum State: String, Codable, Sendable {
        case running
        /// It stopped cleanly.
        case stopped
        /// Its status is stale: the process is gone or stopped publishing (it died).
        case notRunning = "not running"
        /// No service ever published a status here.
        case neverStarted = "never started"
    }

    public var service: State
    public var details: ServiceStatus?
    public var cameras: [CameraStatus]
    /// Cameras in `record` mode without a status: the service is not running them (yet).
    public var notRunning: [String]
    /// In a fleet, cameras in `record` mode of grids other gateways own: recorded there, not here.
    public var elsewhere: [String] = []
    /// Cameras in `patrol` mode: inspected in rotation, not recorded.
    public var patrolled: [String]
    /// Cameras in `off` mode: registered only.
    public var off: [String]

    /// The report of an ingest service running in this process, taken from it directly rather than from the copy it
    /// publishes to the archive once a second.
    public static func live(_ ingest: IngestService, registry: Registry) throws -> ServiceReport {
        let registered = try registry.cameraModes()
        let cameras = ingest.cameraStatuses
        let running = Set(cameras.map(\.camera))
        let details = ingest.serviceStatus(cameras: cameras, stopped: false)
        let elsewhere = try recordedElsewhere(registry, shared: details.sharedGrids)
        return ServiceReport(
            service: ingest.isRunning ? .running : .notRunning, details: details, cameras: cameras,
            notRunning: ids(registered, .record).filter { !running.contains($0) && !elsewhere.contains($0) },
            elsewhere: elsewhere.sorted(), patrolled: ids(registered, .patrol), off: ids(registered, .off))
    }

    /// Cameras in `record` mode outside the fleet share `shared` (none outside a fleet).
    private static func recordedElsewhere(_ registry: Registry, shared: [String]?) throws -> Set<String> {
        guard let shared = shared.map(Set.init) else { return [] }
        return Set(
            try registry.cameras(CameraFilter(modes: [.record])).filter { record in
                !record.gridPath.contains { shared.contains($0.id) }
            }.map(\.camera.id.rawValue))
    }

    /// Reads the published status. A status older than 10 s, or from a process that is gone, is "not running".
    public static func read(registry: Registry, archive: ArchiveDatabase, now: Date = Date()) throws -> ServiceReport {
        let published = try StatusStore(store: archive).read(service: ServiceStatus.self, camera: CameraStatus.self)
        let registered = try registry.cameraModes()
        let state: State
        if let service = published?.service {
            let alive = kill(service.processID, 0) == 0 && now.timeIntervalSince(service.updatedAt) < 10
            state = service.stopped ? .stopped : alive ? .running : .notRunning
        } else {
            state = .neverStarted
        }
        let cameras = state == .running ? (published?.cameras.values.sorted { $0.camera < $1.camera } ?? []) : []
        let running = Set(cameras.map(\.camera))
        let elsewhere = try recordedElsewhere(registry, shared: published?.service.sharedGrids)
        return ServiceReport(
            service: state, details: published?.service, cameras: cameras,
            notRunning: ids(registered, .record).filter { !running.contains($0) && !elsewhere.contains($0) },
            elsewhere: elsewhere.sorted(), patrolled: ids(registered, .patrol), off: ids(registered, .off))
    }

    private static func ids(_ registered: [(id: String, mode: CameraMode)], _ mode: CameraMode) -> [String] {
        registered.filter { $0.mode == mode }.map(\.id)
    }
}
