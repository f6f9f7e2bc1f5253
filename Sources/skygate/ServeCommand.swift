import Access
import Archive
import ArgumentParser
import CameraRegistry
import Dispatch
import Events
import Foundation
import Gateway
import Ingest
import Logging
import ServiceLifecycle
import Synchronization

/// `skygate serve`: the gateway service — ingest, events and export, and the HTTP API and dashboard, running as one
/// service group until SIGTERM or Ctrl-C.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: record every enabled camera of the registry until stopped (SIGTERM or Ctrl-C).",
        discussion: """
            One worker per enabled camera connects (deadlines, reconnects with backoff), records by stream copy into \
            MPEG-TS segments under <data-dir>/segments/<camera>/, indexes every keyframe in <data-dir>/archive.sqlite \
            and analyses keyframes for video-quality statistics. Cameras added, changed, disabled or removed with \
            `skygate camera …` or `skygate registry import` are picked up within a second, without a restart. \
            Recordings are kept as long as each camera's retention days allow, and within --max-camera-gb and \
            --max-total-gb. `skygate status` shows each camera's state.

            The HTTP API, /metrics and the web dashboard listen on --http (127.0.0.1:8080). Every API call needs a \
            bearer token (`skygate token create`); when no admin token exists, the first start makes one and prints \
            it once. SIGTERM or Ctrl-C stops accepting connections, finishes the requests in flight, closes every \
            segment, flushes the index and writes the outbox before exiting.
            """)

    @OptionGroup var registryOptions: RegistryOptions
    @OptionGroup(title: "Events and export") var export: ExportOptions

    @Option(help: ArgumentHelp("Seconds per recorded segment (cut on the next keyframe).", valueName: "seconds"))
    var segmentSeconds: Double = 60

    @Option(
        help: ArgumentHelp(
            "Keep recordings at most this long, for every camera (e.g. 7d); each camera's retention days also apply.",
            valueName: "duration"))
    var keep: String?

    @Option(help: ArgumentHelp("Recording kept per camera, in GB (oldest segments go first).", valueName: "GB"))
    var maxCameraGB: Double?

    @Option(help: ArgumentHelp("Recording kept for all cameras together, in GB.", valueName: "GB"))
    var maxTotalGB: Double?

    @Option(help: ArgumentHelp("Seconds allowed to connect to a camera.", valueName: "seconds"))
    var openTimeout: Double = 10

    @Option(help: ArgumentHelp("Seconds without data before a camera counts as stalled.", valueName: "seconds"))
    var readTimeout: Double = 10

    @Option(
        help: ArgumentHelp(
            "Longest wait between reconnect attempts to a failing camera (waits grow from 1 s, with jitter).",
            valueName: "seconds"))
    var maxBackoff: Double = 30

    @Option(help: ArgumentHelp("Cameras connecting at once, at most (a mass outage must not become a storm).", valueName: "n"))
    var maxConnects: Int = 8

    @Option(help: ArgumentHelp("Threads decoding keyframes for analysis (default: one per core).", valueName: "n"))
    var analysisThreads: Int?

    @Option(help: ArgumentHelp("Seconds between retention passes.", valueName: "seconds", visibility: .hidden))
    var retentionInterval: Double = 60

    @Option(
        help: ArgumentHelp(
            "Where the HTTP API and dashboard listen, HOST:PORT (port 0 picks a free one; 'off' serves no HTTP).",
            valueName: "host:port"))
    var http: String = "127.0.0.1:8080"

    @Flag(help: "Record and index only; no keyframe decoding or statistics.")
    var noAnalysis = false

    func validate() throws {
        guard segmentSeconds >= 1 && segmentSeconds <= 3600 else { throw ValidationError("--segment-seconds must be 1–3600") }
        guard openTimeout > 0, readTimeout > 0 else { throw ValidationError("timeouts must be positive") }
        guard maxBackoff >= 1 else { throw ValidationError("--max-backoff must be at least 1 s") }
        guard maxConnects >= 1 else { throw ValidationError("--max-connects must be at least 1") }
        if let keep, parseDuration(keep) == nil { throw ValidationError("--keep '\(keep)': expected e.g. 3600, 12h, 7d") }
        for (name, value) in [("--max-camera-gb", maxCameraGB), ("--max-total-gb", maxTotalGB)] {
            if let value, !(value > 0) { throw ValidationError("\(name) must be positive") }
        }
        if let analysisThreads, analysisThreads < 1 { throw ValidationError("--analysis-threads must be at least 1") }
        if http != "off", httpAddress == nil {
            throw ValidationError("--http '\(http)': expected HOST:PORT, e.g. 127.0.0.1:8080")
        }
    }

    /// `--http` as host and port.
    var httpAddress: (host: String, port: Int)? {
        guard let colon = http.lastIndex(of: ":"), let port = Int(http[http.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        let host = String(http[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host.isEmpty ? nil : (host, port)
    }

    func run() async throws {
        MemoryTuning.limitMallocArenas(to: 2)
        MemoryTuning.trimPeriodically(every: 30)
        try await reportingFailures {
            // FFmpeg's own messages only at debug: each failure is reported once, as the camera's health.
            let registry = try registryOptions.open(defaultLogLevel: .info, ffmpegCeiling: .debug)
            let location = registryOptions.location
            let dataDirectory = URL(
                fileURLWithPath: location.dataDirectory,
                relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            ).standardizedFileURL.path
            let lock = try ServiceLock(dataDirectory: dataDirectory)
            defer { withExtendedLifetime(lock) {} }
            let archive = try KeyframeIndexStore(path: location.database ?? dataDirectory + "/archive.sqlite")
            let access = try openAccessStore(location)
            try announceFirstAdminToken(access)

            let detectors = try export.detectors.map(DetectorConfiguration.init(contentsOf:)) ?? DetectorConfiguration()
            let store = try EventStore(path: dataDirectory + "/events.sqlite", sinks: export.sinkNames)
            let exporters = try export.exporters(store: store)
            let feed = EventFeed()
            let engine = try EventEngine(store: store, registry: registry, configuration: detectors) { events in
                for exporter in exporters { exporter.wake() }
                feed.publish(events)
            }
            let ingest = IngestService(
                registry: registry, archive: archive, configuration: try ingestConfiguration(dataDirectory: dataDirectory)
            ) { engine.observe($0) }

            let logger = Logger(label: "skygate.serve")
            let pipeline = PipelineService(
                start: {
                    try engine.start()
                    try ingest.start()
                },
                stop: {
                    let clean = ingest.stop(timeout: 5)
                    engine.stop()
                    for exporter in exporters { exporter.stop() }
                    return clean
                })
            var services: [any Service] = [pipeline]
            let cameras = try registry.cameras(CameraFilter(enabled: true)).count
            let sinks = export.sinkNames.isEmpty ? "the event store only" : export.sinkNames.joined(separator: ", ")
            let starting =
                "skygate: serving \(cameras) camera\(cameras == 1 ? "" : "s") from \(dataDirectory); events to \(sinks)"
            if let (host, port) = httpAddress {
                let gateway = GatewayServices(
                    registry: registry, archive: archive, events: store, engine: engine, access: access, feed: feed,
                    scratchDirectory: dataDirectory + "/tmp", sinks: export.sinkNames)
                services.append(
                    Gateway.application(gateway, host: host, port: port, logger: logger) { port in
                        let shown = host.contains(":") ? "[\(host)]" : host
                        writeStandardError(
                            "\(starting); API and dashboard on http://\(shown):\(port)/; stop with Ctrl-C or SIGTERM\n")
                    })
                // Last in the group, so shut down first: live event streams end and the server can finish.
                services.append(feed)
            } else {
                writeStandardError("\(starting); no HTTP (--http off); stop with Ctrl-C or SIGTERM\n")
            }
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do {
                try await group.run()
            } catch {
                _ = await pipeline.stopIfStarted()
                throw CLIError(message: "the service stopped: \(error)", status: 69)
            }
            writeStandardError(
                pipeline.stoppedCleanly
                    ? "skygate: stopped; requests finished, segments closed, index flushed\n"
                    : "skygate: stopped; some cameras did not stop in time\n")
        }
    }

    private func ingestConfiguration(dataDirectory: String) throws -> IngestConfiguration {
        var configuration = IngestConfiguration(dataDirectory: dataDirectory)
        configuration.worker.segmentDuration = segmentSeconds
        configuration.worker.demux.openTimeout = openTimeout
        configuration.worker.demux.readTimeout = readTimeout
        configuration.worker.demux.urlPolicy = try registryOptions.urlPolicy()
        configuration.maximumConcurrentConnects = maxConnects
        configuration.retentionInterval = max(1, retentionInterval)
        configuration.worker.backoff = Backoff(base: 1, cap: maxBackoff)
        configuration.analysis = !noAnalysis
        if let analysisThreads { configuration.analysisThreads = analysisThreads }
        configuration.retention = RetentionPolicy(
            maximumAge: keep.flatMap(parseDuration), maximumBytesPerCamera: maxCameraGB.map { Int64($0 * 1e9) },
            maximumBytesTotal: maxTotalGB.map { Int64($0 * 1e9) })
        return configuration
    }

    /// No default credentials: the first start makes an admin token and shows it this once; only its hash is kept.
    private func announceFirstAdminToken(_ access: AccessStore) throws {
        guard try !access.hasAdmin() else { return }
        let (token, record) = try access.createToken(
            name: "first-admin", role: .admin, actor: "skygate serve (first start)", source: "local")
        writeStandardError(
            """
            skygate: no admin token existed, so this one was made (id \(record.id)). It is shown only now; keep it safe:

                \(token)

            Make more with `skygate token create`, and revoke this one with `skygate token revoke \(record.id)`.

            """)
    }
}

/// Ingest, the event engine and the exporters — threads of their own — started and stopped as one service of the
/// group. Their blocking start and stop run on a thread of their own, never on Swift's cooperative pool.
final class PipelineService: Service, Sendable {
    private let start: @Sendable () throws -> Void
    private let stop: @Sendable () -> Bool
    private let state = Mutex<(started: Bool, stopped: Bool, clean: Bool)>((false, false, true))

    init(start: @escaping @Sendable () throws -> Void, stop: @escaping @Sendable () -> Bool) {
        self.start = start
        self.stop = stop
    }

    var stoppedCleanly: Bool { state.withLock { $0.clean } }

    func run() async throws {
        try await onOwnThread { [self] in
            try start()
            state.withLock { $0.started = true }
        }
        try? await gracefulShutdown()
        _ = await stopIfStarted()
    }

    /// Stops everything once (segments closed, index and outbox flushed); false if a camera did not stop in time.
    func stopIfStarted() async -> Bool {
        let first = state.withLock { state in
            defer { state.stopped = true }
            return state.started && !state.stopped
        }
        guard first else { return stoppedCleanly }
        let clean = (try? await onOwnThread { [self] in stop() }) ?? false
        state.withLock { $0.clean = clean }
        return clean
    }
}

/// Runs blocking work on a new thread and resumes with its result.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = "skygate-lifecycle"
        thread.start()
    }
}

/// One service per data directory: a second `skygate serve` on the same directory would record every camera twice.
final class ServiceLock {
    private let descriptor: Int32

    init(dataDirectory: String) throws {
        try? FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let path = dataDirectory + "/serve.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CLIError(message: "cannot create '\(path)': \(String(cString: strerror(errno)))", status: 73)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw CLIError(message: "another `skygate serve` is already running on \(dataDirectory)", status: 75)
        }
    }

    deinit { close(descriptor) }
}
