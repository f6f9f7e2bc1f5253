import Archive
import ArgumentParser
import CameraRegistry
import Dispatch
import Events
import Foundation
import Ingest
import Logging

/// `skygate serve`: the gateway service — registry, ingest and archive running until SIGTERM or Ctrl-C.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: record every enabled camera of the registry until stopped (SIGTERM or Ctrl-C).",
        discussion: """
            One worker per enabled camera connects (deadlines, reconnects with backoff), records by stream copy into \
            MPEG-TS segments under <data-dir>/segments/<camera>/, indexes every keyframe in <data-dir>/archive.sqlite \
            and analyses keyframes for video-quality statistics. Cameras added, changed, disabled or removed with \
            `skygate camera …` or `skygate registry import` are picked up within a second, without a restart. \
            Recordings are kept as long as each camera's retention days allow, and within --max-camera-gb and \
            --max-total-gb. `skygate status` shows each camera's state. Stopping closes every segment and flushes \
            the index.
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
    }

    func run() throws {
        MemoryTuning.limitMallocArenas(to: 2)
        MemoryTuning.trimPeriodically(every: 30)
        try reportingFailures {
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

            let detectors = try export.detectors.map(DetectorConfiguration.init(contentsOf:)) ?? DetectorConfiguration()
            let store = try EventStore(path: dataDirectory + "/events.sqlite", sinks: export.sinkNames)
            let exporters = try export.exporters(store: store)
            let engine = try EventEngine(store: store, registry: registry, configuration: detectors) { _ in
                for exporter in exporters { exporter.wake() }
            }
            let service = IngestService(registry: registry, archive: archive, configuration: configuration) {
                engine.observe($0)
            }
            let stop = StopSignal()
            engine.start()
            try service.start()
            let cameras = try registry.cameras(CameraFilter(enabled: true)).count
            writeStandardError(
                "skygate: serving \(cameras) camera\(cameras == 1 ? "" : "s") from \(dataDirectory); events to \(export.sinkNames.isEmpty ? "the event store only" : export.sinkNames.joined(separator: ", ")); stop with Ctrl-C or SIGTERM\n"
            )
            let signal = stop.wait()
            writeStandardError("skygate: \(signal) received, stopping\n")
            let clean = service.stop(timeout: 5)
            engine.stop()
            for exporter in exporters { exporter.stop() }
            writeStandardError(
                clean
                    ? "skygate: stopped; segments closed, index flushed\n"
                    : "skygate: stopped; some cameras did not stop in time\n")
        }
    }
}

/// Waits for SIGTERM or SIGINT on the calling thread (the main thread; not Swift's cooperative pool).
final class StopSignal {
    private let received = DispatchSemaphore(value: 0)
    private let name = LockedName()
    private let sources: [DispatchSourceSignal]

    init() {
        var sources: [DispatchSourceSignal] = []
        for (number, label) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            // The default action would kill the process before segments are closed; the dispatch source handles it.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [received, name] in
                name.set(label)
                received.signal()
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Blocks until a signal arrives; returns its name.
    func wait() -> String {
        received.wait()
        return name.get()
    }

    private final class LockedName: @unchecked Sendable {
        private let lock = NSLock()
        private var value = "signal"
        func set(_ text: String) { lock.withLock { value = text } }
        func get() -> String { lock.withLock { value } }
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
