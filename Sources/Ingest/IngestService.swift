public import Archive
public import CameraRegistry
import Foundation
import Logging
import MediaIO
import Synchronization

/// Registry + ingest + archive, running: a worker per camera in record mode, kept in step with the registry (changes by other
/// processes are picked up within `registryPollInterval`); every keyframe recorded and indexed, every health change
/// kept as history, keyframes analysed on a small pool, retention applied, and the status published for
/// `skygate status`.
///
/// Its threads are its own (camera workers, analysis lanes, a registry watcher and a maintenance thread); nothing here
/// runs on Swift's cooperative pool.
public final class IngestService: Sendable {
    public let configuration: IngestConfiguration
    let registry: Registry
    private let recordingIndex: RecordingIndex
    let healthLog: HealthLog
    private let statusStore: StatusStore
    let indexer: RecordingIndexWriter
    private let retention: Retention
    private let supervisor: Mutex<Supervisor?> = Mutex(nil)
    private let pool: AnalysisPool?
    let board = StatusBoard()
    private let threads = ServiceThreads()
    private let wake = DispatchSemaphore(value: 0)
    private let stoppedClean = Mutex(true)
    let budgetWatch = Mutex(AnalysisBudgetWatch())
    let logger = Logger(label: "skygate.service")
    /// Called for every health transition and analysed keyframe, on the thread that produced it (for the events
    /// module and live feeds); keep it short.
    let observe: @Sendable (Observation) -> Void
    /// Where each running camera is, for its observations.
    let places = CameraPlaces()
    /// Openers for cameras FFmpeg does not read (GB/T 28181 channels).
    private let sources: SourceProvider?
    /// In a fleet, the grids this gateway owns, and a count of changes (`IngestService+Share`).
    let share = Mutex<(grids: Set<String>?, generation: Int)>((nil, 0))

    public init(
        registry: Registry, archive: ArchiveDatabase, configuration: IngestConfiguration, sources: SourceProvider? = nil,
        observe: @escaping @Sendable (Observation) -> Void = { _ in }
    ) {
        self.sources = sources
        self.registry = registry
        self.configuration = configuration
        self.observe = observe
        recordingIndex = RecordingIndex(store: archive)
        healthLog = HealthLog(store: archive)
        statusStore = StatusStore(store: archive)
        let board = self.board
        let logger = self.logger
        // A batch written means recording and indexing work again (a keyframe is queued only once its bytes are in
        // the file): that, not each keyframe, clears the alarm, so a failing index is not re-raised (and logged) on
        // every keyframe.
        indexer = RecordingIndexWriter(index: recordingIndex) { error in
            guard let error else { return board.withLock { $0.storageAlarm = nil } }
            Self.raiseStorageAlarm("the recording index cannot be written: \(error)", on: board, logger: logger)
        }
        retention = Retention(index: recordingIndex, segmentRoot: configuration.segmentRoot)
        if configuration.analysis {
            let indexer = self.indexer
            let places = self.places
            let thumbnails = ThumbnailStore(beside: archive)
            pool = AnalysisPool(
                threads: configuration.analysisThreads, queueDepth: configuration.analysisQueueDepth,
                thumbnailInterval: configuration.thumbnailInterval
            ) { [observe] analysed in
                // The declared rate with this moment: the detector hears it now (`observe` below), and judges the
                // throughput it receives from now on against it; a replay must too.
                indexer.setStats(
                    camera: analysed.camera, wallClock: analysed.wallClock, stats: analysed.stats,
                    declared: DeclaredFrameRate(rate: analysed.declaredFrameRate, at: Date()))
                if let jpeg = analysed.thumbnail {
                    do {
                        try thumbnails.keep(jpeg, camera: analysed.camera, wallClock: analysed.wallClock)
                    } catch {
                        logger.debug("a thumbnail was not kept", metadata: ["camera": "\(analysed.camera)", "error": "\(error)"])
                    }
                }
                board.withLock {
                    $0.cameras[analysed.camera]?.lastStats = analysed.stats
                    $0.cameras[analysed.camera]?.lastAnalysedKeyframe = analysed.wallClock
                    $0.cameras[analysed.camera]?.declaredFrameRate = analysed.declaredFrameRate
                }
                observe(places.observation(analysed.camera, .analysed(analysed)))
            }
        } else {
            pool = nil
        }
    }

    /// Starts a worker for every camera in record mode and the service's own threads.
    public func start() throws {
        var template = configuration.worker
        template.analysis = pool
        let supervisor = Supervisor(
            template: template, segmentRoot: configuration.segmentRoot,
            maximumConcurrentConnects: configuration.maximumConcurrentConnects, sources: sources
        ) { [weak self] event in self?.handle(event) }
        self.supervisor.withLock { $0 = supervisor }
        indexer.start()
        // What the first sync sees, taken before it: a change made while it runs is then seen by the watcher.
        let seen = ((try? registry.version()) ?? .unknown, share.withLock { $0.generation })
        try sync(supervisor)
        threads.spawn("registry-watch") { [self] in watchRegistry(since: seen) }
        threads.spawn("maintenance") { [self] in maintain() }
        board.withLock {
            $0.startedAt = Date()
            $0.running = true
        }
        logger.info("ingest started", metadata: ["cameras": "\(supervisor.cameras.count)"])
    }

    /// Stops every worker (each closes its segment), waits for them, then publishes the final status. False if a
    /// worker did not end within `timeout` seconds.
    @discardableResult
    public func stop(timeout: Double = 5) -> Bool {
        guard threads.stop() else { return true }
        board.withLock { $0.running = false }
        wake.signal()
        wake.signal()
        let clean = supervisor.withLock { $0 }?.stopAll(timeout: timeout) ?? true
        pool?.stop()
        indexer.stop()
        threads.wait(timeout: timeout)
        publish(stopped: clean)
        stoppedClean.withLock { $0 = clean }
        logger.info("ingest stopped", metadata: ["clean": "\(clean)"])
        return clean
    }

    /// Whether the service has started and not begun to stop.
    public var isRunning: Bool { board.withLock { $0.running } }

    /// Whether the last stop ended every worker in time (true until a stop says otherwise).
    public var stoppedCleanly: Bool { stoppedClean.withLock { $0 } }

    /// The current status of every running camera.
    public var cameraStatuses: [CameraStatus] {
        let counts = pool?.snapshot ?? [:]
        let now = Date()
        return board.withLock { board in
            board.cameras.values.map { status in
                var status = status
                status.analysis = counts[status.camera] ?? AnalysisCounts()
                if pool != nil, status.state == .streaming {
                    // From when it began streaming this time, if nothing was analysed since: an outage is not analysis's.
                    let newest = max(status.lastAnalysedKeyframe ?? .distantPast, status.since)
                    status.analysisAge = max(0, now.timeIntervalSince(newest))
                }
                return status
            }
        }.sorted { $0.camera < $1.camera }
    }

    // MARK: - Service threads

    var isStopping: Bool { threads.isStopping }

    /// Follows every change to the registry, made in this process (the API) or by another (`skygate camera add|remove|
    /// disable`, an import): within `registryPollInterval` of its commit.
    private func watchRegistry(since first: (RegistryVersion, Int)) {
        var seen = first
        while !isStopping {
            _ = wake.wait(timeout: .now() + configuration.registryPollInterval)
            guard !isStopping else { break }
            do {
                let version = (try registry.version(), share.withLock { $0.generation })
                if version != seen, let supervisor = supervisor.withLock({ $0 }) {
                    // Marked seen only once applied: a sync that failed is tried again at the next poll.
                    try sync(supervisor)
                    seen = version
                }
            } catch {
                logger.warning("cannot read the registry", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Brings the workers and the cameras' places in step with the registry (and in a fleet, with the grids owned).
    private func sync(_ supervisor: Supervisor) throws {
        let cameras = try registry.cameras(CameraFilter(modes: [.record])).filter(isShared)
        for moved in places.replace(with: cameras) { observe(moved) }
        supervisor.apply(to: cameras)
    }

    /// Publishes the status every `statusInterval` and applies retention every `retentionInterval`.
    private func maintain() {
        var lastRetention = DispatchTime.now()
        applyRetention()
        while !isStopping {
            _ = wake.wait(timeout: .now() + configuration.statusInterval)
            guard !isStopping else { break }
            if Double(DispatchTime.now().uptimeNanoseconds - lastRetention.uptimeNanoseconds) / 1e9
                >= configuration.retentionInterval
            {
                applyRetention()
                lastRetention = .now()
            }
            publish(stopped: false)
        }
    }

    private func applyRetention() {
        let writing = Set(board.withLock { $0.cameras.values.compactMap(\.segment) })
        do {
            var policy = configuration.retention
            // Each camera's own limit from the registry (its purpose decides how long it may keep video); cameras removed
            // from it keep theirs `removedCameraMaximumAge`.
            let cameras = try registry.cameras(CameraFilter())
            for camera in cameras {
                policy.maximumAgeByCamera[camera.camera.id.rawValue] = Double(camera.camera.retentionDays) * 86_400
            }
            policy.registeredCameras = Set(cameras.map(\.camera.id.rawValue))
            let result = try retention.enforce(policy, writing: writing)
            board.withLock { board in
                board.removedBytes += result.freedBytes
                board.recordedBytes = result.keptBytes
            }
        } catch {
            logger.error("retention failed", metadata: ["error": "\(error)"])
        }
    }

    /// The service's own status, counting `cameras`.
    func serviceStatus(cameras: [CameraStatus], stopped: Bool) -> ServiceStatus {
        board.withLock { board in
            ServiceStatus(
                processID: ProcessInfo.processInfo.processIdentifier, startedAt: board.startedAt, updatedAt: Date(),
                cameras: cameras.count, streaming: cameras.filter { $0.state == .streaming }.count,
                storageAlarm: board.storageAlarm, recordedBytes: board.recordedBytes, removedBytes: board.removedBytes,
                stopped: stopped,
                analysis: pool == nil ? nil : AnalysisBudgetStatus(interval: configuration.analysisInterval, cameras: cameras),
                sharedGrids: sharedGrids?.sorted())
        }
    }

    private func publish(stopped: Bool) {
        let cameras = cameraStatuses
        let service = serviceStatus(cameras: cameras, stopped: stopped)
        if let budget = service.analysis { report(budget) }
        do {
            try statusStore.publish(service: service, cameras: Dictionary(uniqueKeysWithValues: cameras.map { ($0.camera, $0) }))
        } catch {
            logger.warning("cannot publish the status", metadata: ["error": "\(error)"])
        }
    }
}
