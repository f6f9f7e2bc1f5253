import Archive
import ArgumentParser
import Ingest
import MediaIO

/// How `skygate serve` connects, records, keeps and analyses: the options that become its `IngestConfiguration`.
struct RecordingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Seconds per recorded segment (cut on the next keyframe).", valueName: "seconds"))
    var segmentSeconds: Double = 60

    @Option(
        help: ArgumentHelp(
            "Keep recordings at most this long, for every camera (e.g. 7d); each camera's retention days also apply.",
            valueName: "duration"))
    var keep: String?

    @Option(
        help: ArgumentHelp(
            "Keep the recordings of cameras removed from the registry at most this long (e.g. 7d).", valueName: "duration"))
    var keepRemoved: String = "30d"

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

    @Option(
        help: ArgumentHelp(
            "Every streaming camera gets an analysed keyframe at least this often; when the analysis threads cannot keep "
                + "it, the camera analysed longest ago goes first and status, metrics and a warning show the interval "
                + "reached.",
            valueName: "seconds"))
    var analysisInterval: Double = 10

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
        if parseDuration(keepRemoved) == nil {
            throw ValidationError("--keep-removed '\(keepRemoved)': expected e.g. 3600, 12h, 7d")
        }
        for (name, value) in [("--max-camera-gb", maxCameraGB), ("--max-total-gb", maxTotalGB)] {
            if let value, !(value > 0) { throw ValidationError("\(name) must be positive") }
        }
        if let analysisThreads, analysisThreads < 1 { throw ValidationError("--analysis-threads must be at least 1") }
        guard analysisInterval >= 1 && analysisInterval <= 3600 else {
            throw ValidationError("--analysis-interval must be 1–3600 seconds")
        }
    }

    /// The ingest configuration these options describe, for `dataDirectory`, with stream URLs checked by `urlPolicy`.
    func ingestConfiguration(dataDirectory: String, urlPolicy: URLPolicy) -> IngestConfiguration {
        var configuration = IngestConfiguration(dataDirectory: dataDirectory)
        configuration.worker.segmentDuration = segmentSeconds
        configuration.worker.demux.openTimeout = openTimeout
        configuration.worker.demux.readTimeout = readTimeout
        configuration.worker.demux.urlPolicy = urlPolicy
        configuration.maximumConcurrentConnects = maxConnects
        configuration.retentionInterval = max(1, retentionInterval)
        configuration.worker.backoff = Backoff(base: 1, cap: maxBackoff)
        configuration.analysis = !noAnalysis
        if let analysisThreads { configuration.analysisThreads = analysisThreads }
        configuration.analysisInterval = analysisInterval
        configuration.retention = RetentionPolicy(
            maximumAge: keep.flatMap(parseDuration), maximumBytesPerCamera: maxCameraGB.map { Int64($0 * 1e9) },
            maximumBytesTotal: maxTotalGB.map { Int64($0 * 1e9) })
        configuration.retention.removedCameraMaximumAge = parseDuration(keepRemoved) ?? 30 * 86_400
        return configuration
    }
}
