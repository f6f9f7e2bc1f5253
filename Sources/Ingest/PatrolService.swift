public import Archive
public import CameraRegistry
import Dispatch
public import Foundation
import Logging
public import MediaIO
import Synchronization

/// How the gateway patrols.
public struct PatrolConfiguration: Sendable {
    public var plan: PatrolPlan
    /// Visits at once; 16 per core by default. A visit mostly waits (three seconds of real time for about 42 ms of
    /// CPU, measured by `tools/bench/patrol`): 32 at once on two cores gave 38,400 visits an hour for 45 % of a core.
    public var concurrency: Int
    /// Visits at once to one host (an NVR or platform serves many channels).
    public var perHostLimit: Int
    /// Keyframes analysed per visit.
    public var keyframes: Int
    /// Seconds a visit may read once connected.
    public var visitDeadline: Double
    /// The open and read deadlines of a visit's connection.
    public var demux: DemuxOptions
    /// How often the registry is checked for patrol cameras added, removed or changed.
    public var registryPollInterval: Double
    /// Seconds visits are kept; older ones are removed once an hour. A district's patrol stores about 28,000 visits
    /// an hour, so this bounds the archive.
    public var visitRetention: TimeInterval = 7 * 86_400

    public init(
        plan: PatrolPlan = .standard(), concurrency: Int = 16 * ProcessInfo.processInfo.activeProcessorCount,
        perHostLimit: Int = 4, keyframes: Int = 3, visitDeadline: Double = 10, registryPollInterval: Double = 1
    ) {
        self.plan = plan
        self.concurrency = max(1, concurrency)
        self.perHostLimit = max(1, perHostLimit)
        self.keyframes = max(1, keyframes)
        self.visitDeadline = visitDeadline
        self.registryPollInterval = registryPollInterval
        demux = DemuxOptions()
        demux.openTimeout = 5
        demux.readTimeout = 5
    }
}

/// Patrol inspection (巡检): rounds over the registry's cameras in patrol mode, a few keyframes a visit, every visit
/// stored in the archive's `PatrolVisitLog`.
///
/// One planning thread owns the `PatrolPlanner` (a value: no lock around its decisions) and hands visits to
/// `concurrency` visiting threads, which block in FFmpeg and never touch Swift's cooperative pool.
public final class PatrolService: Sendable {
    private let registry: Registry
    let log: PatrolVisitLog
    let rounds: PatrolRoundLog
    let status: StatusStore
    let configuration: PatrolConfiguration
    let sources: SourceProvider?
    private let observe: @Sendable (Observation) -> Void
    private let openFaults: @Sendable () -> Set<String>
    let threads = ServiceThreads()
    /// Visits waiting for a visiting thread, and visits ended waiting for the planner.
    let queue = Mutex<(waiting: [CameraEndpoint], ended: [PatrolVisit])>(([], []))
    let visitReady = DispatchSemaphore(value: 0)
    let plannerWake = DispatchSemaphore(value: 0)
    let published: Mutex<PatrolProgress?> = Mutex(nil)
    /// The interrupt of each visit under way (one each: a demuxer arms its own deadline on its flag), aborted by
    /// `stop` so that visits end at once rather than at their deadlines.
    let visitsUnderWay = Mutex<[ObjectIdentifier: InterruptFlag]>([:])
    let logger = Logger(label: "skygate.patrol")

    public init(
        registry: Registry, archive: ArchiveDatabase, configuration: PatrolConfiguration, sources: SourceProvider? = nil,
        observe: @escaping @Sendable (Observation) -> Void = { _ in },
        openFaults: @escaping @Sendable () -> Set<String> = { [] }
    ) {
        self.observe = observe
        self.openFaults = openFaults
        self.registry = registry
        log = PatrolVisitLog(store: archive)
        rounds = PatrolRoundLog(store: archive)
        status = StatusStore(store: archive)
        self.configuration = configuration
        self.sources = sources
    }

    /// The current round's progress; nil before the first plan.
    public var progress: PatrolProgress? { published.withLock { $0 } }

    /// Starts the planning thread; it starts visiting threads as patrol cameras appear, up to `concurrency`, so a
    /// gateway without patrol cameras runs none.
    public func start() {
        threads.spawn("patrol-plan") { self.plan() }
    }

    /// Stops planning and aborts the visits under way. Returns whether every thread ended within `timeout`.
    @discardableResult
    public func stop(timeout: Double) -> Bool {
        threads.stop()
        visitsUnderWay.withLock { for flag in $0.values { flag.abort() } }
        plannerWake.signal()
        for _ in 0..<configuration.concurrency { visitReady.signal() }
        return threads.wait(timeout: timeout)
    }

    // MARK: - Planning thread

    private func plan() {
        var planner = PatrolPlanner(
            plan: configuration.plan, concurrency: configuration.concurrency, perHostLimit: configuration.perHostLimit,
            now: Date())
        var endpoints: [String: CameraEndpoint] = [:]
        var places: [String: DevicePlace] = [:]
        var seen: RegistryVersion?
        var nextRegistryCheck = DispatchTime.now()
        var lastWritten = Date.distantPast
        var visiting = 0
        var nextTrim = Date()
        var tally = PatrolRoundTally()
        while !threads.isStopping {
            if DispatchTime.now() >= nextRegistryCheck {
                nextRegistryCheck = .now() + configuration.registryPollInterval
                if let version = try? registry.version(), version != seen, let (cameras, recorded) = patrolCameras() {
                    let lastVisits =
                        seen == nil
                        ? ((try? log.latest(cameras: cameras.map(\.endpoint.id))) ?? [:]).mapValues(\.startedAt) : [:]
                    seen = version
                    let before = endpoints
                    endpoints = Dictionary(cameras.map { ($0.endpoint.id, $0.endpoint) }) { a, _ in a }
                    places = Dictionary(cameras.map { ($0.endpoint.id, $0.place) }) { a, _ in a }
                    planner.setTargets(cameras.map(\.target), lastVisits: lastVisits)
                    planner.setBusyHosts(recorded)
                    // A visit still waiting for a thread goes only to a camera still patrolled, at its current URL.
                    for dropped in dropQueuedVisits(keeping: endpoints) {
                        tally.finish(dropped, visit: nil, in: &planner).map(record)
                    }
                    for camera in before.keys where endpoints[camera] == nil { leftPatrol(camera, place: places[camera]) }
                    for number in visiting..<max(visiting, min(configuration.concurrency, cameras.count)) {
                        threads.spawn("patrol-visit-\(number)") { self.visitLoop() }
                        visiting += 1
                    }
                }
                planner.setOpenFaults(openFaults())
                takeRunRequests(&planner)
            }
            takeEndedVisits(&planner, tally: &tally, places: places)
            let now = Date()
            if now >= nextTrim {
                nextTrim = now + 3600
                trim(before: now - configuration.visitRetention)
            }
            let starting = planner.start(now: now).compactMap { endpoints[$0.camera] }
            if !starting.isEmpty {
                queue.withLock { $0.waiting.append(contentsOf: starting) }
                for _ in starting { visitReady.signal() }
            }
            publish(planner.progress, lastWritten: &lastWritten)
            // Until a visit ends, a camera falls due, or the registry is due a look.
            let due = planner.nextDue(after: now).map { $0.timeIntervalSince(now) } ?? .infinity
            _ = plannerWake.wait(timeout: .now() + min(due, configuration.registryPollInterval))
        }
        // Visits that ended before the stop are kept; those it aborted were never handed over.
        takeEndedVisits(&planner, tally: &tally, places: places)
    }

    /// Frees the slots of the visits that ended, stores them, then tells the detectors (which hear only of visits the
    /// archive holds).
    private func takeEndedVisits(
        _ planner: inout PatrolPlanner, tally: inout PatrolRoundTally, places: [String: DevicePlace]
    ) {
        let ended = queue.withLock { queue in
            defer { queue.ended = [] }
            return queue.ended
        }
        guard !ended.isEmpty else { return }
        // One at a time: the visit that completes a round is its last, and the next ones count in the next round.
        let closed = ended.compactMap { tally.finish($0.camera, visit: $0, in: &planner) }
        record(ended)
        for round in closed { record(round) }
        for visit in ended {
            observe(Observation(camera: visit.camera, place: places[visit.camera], reading: .visited(visit)))
        }
    }

    /// Visits queued for cameras no longer patrolled, or whose connection changed, taken off the queue; their IDs.
    private func dropQueuedVisits(keeping endpoints: [String: CameraEndpoint]) -> [String] {
        queue.withLock { queue in
            let dropped = queue.waiting.filter { endpoints[$0.id] != $0 }.map(\.id)
            queue.waiting.removeAll { endpoints[$0.id] != $0 }
            return dropped
        }
    }

    /// A camera left patrol mode (off, recorded, removed): its detector is told it is no longer watched here, so the
    /// events the patrol raised are cleared rather than left open for ever.
    private func leftPatrol(_ camera: String, place: DevicePlace?) {
        let now = Date()
        let transition = HealthTransition(
            camera: camera, state: .disabled, reason: nil, detail: nil, wallClock: now, monotonic: monotonicNanoseconds())
        observe(Observation(camera: camera, place: place, reading: .health(transition)))
    }

    /// The patrol cameras, each with its planning target and connection, and the recorded cameras per host (sessions
    /// an NVR serves besides the visits), in one registry read; nil when the registry cannot be read.
    private func patrolCameras() -> (
        [(target: PatrolTarget, endpoint: CameraEndpoint, place: DevicePlace)], recordedPerHost: [String: Int]
    )? {
        do {
            let records = try registry.cameras(CameraFilter(modes: [.patrol, .record]))
            let recorded = records.filter { $0.camera.mode == .record }.map { (Self.host(of: $0.camera), 1) }
            let patrolled = records.filter { $0.camera.mode == .patrol }.map { record in
                let camera = record.camera
                return (
                    target: PatrolTarget(
                        camera: camera.id.rawValue, host: Self.host(of: camera), gridPath: record.gridPath.map(\.id)),
                    endpoint: CameraEndpoint(
                        id: camera.id.rawValue, connectionURL: camera.mainStream.connectionURL,
                        rtspTransport: camera.rtspTransport),
                    place: DevicePlace(record)
                )
            }
            return (patrolled, Dictionary(recorded, uniquingKeysWith: +))
        } catch {
            logger.warning("cannot read the patrol cameras", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Where a camera's stream comes from, for the per-host limit: the GB/T 28181 device of a channel, else the URL's
    /// host (an NVR or platform serves many channels).
    static func host(of camera: Camera) -> String {
        let url = camera.mainStream.url
        return Registry.gbChannelURLParts(url)?.device ?? camera.mainStream.origin?.host ?? url
    }
}
