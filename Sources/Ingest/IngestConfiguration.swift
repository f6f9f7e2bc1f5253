public import Archive
import Foundation

/// How the ingest service runs. The defaults suit an edge server; everything works with none set.
public struct IngestConfiguration: Sendable {
    /// The data directory: `archive.sqlite` and `segments/<camera>/` live here.
    public var dataDirectory: String
    /// Each camera worker's settings (deadlines, segment length, backoff); the segment directory is set per camera.
    public var worker: WorkerConfiguration
    /// Connects in progress at once, across all cameras.
    public var maximumConcurrentConnects = 8
    /// Keyframe analysis on the shared pool; off means recording and indexing only.
    public var analysis = true
    public var analysisThreads = ProcessInfo.processInfo.activeProcessorCount
    /// Keyframes waiting per camera; one keeps analysis on the newest picture when it cannot analyse them all.
    public var analysisQueueDepth = 1
    /// Seconds within which every streaming camera should have an analysed keyframe; when analysis cannot keep it,
    /// the status, the metrics and a warning say so (`AnalysisBudgetStatus`).
    public var analysisInterval: Double = 10
    /// Seconds between a camera's thumbnails (`ThumbnailStore`, for keyframe walls); nil for none. Each costs a scale
    /// and a JPEG encode of a picture already decoded.
    public var thumbnailInterval: Double? = 5
    public var retention = RetentionPolicy()
    /// Seconds between retention passes.
    public var retentionInterval: Double = 60
    /// Seconds between checks of the registry for changes made by other processes.
    public var registryPollInterval: Double = 0.25
    /// Seconds between publications of the status.
    public var statusInterval: Double = 1

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
        worker = WorkerConfiguration(segmentDirectory: (dataDirectory as NSString).appendingPathComponent("segments"))
    }

    /// Where segments go: one directory per camera below this.
    public var segmentRoot: String { (dataDirectory as NSString).appendingPathComponent("segments") }
}
