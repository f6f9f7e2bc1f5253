public import Foundation
import Logging
public import MediaIO

/// The statistics of one analysed live keyframe.
public struct AnalysedKeyframe: Sendable {
    public var camera: String
    /// The keyframe's wall-clock time (its key in the recording index).
    public var wallClock: Date
    public var stats: FrameStats
    /// Frames per second the stream's headers declare, as the decoder read them; nil when they declare none.
    public var declaredFrameRate: Double?
    /// A small JPEG of the keyframe (`SnapshotEncoder.thumbnailWidth` wide), made from the picture just decoded: for
    /// at most one keyframe per camera every `thumbnailInterval`.
    public var thumbnail: Data?
}

/// Per-camera analysis counts.
public struct AnalysisCounts: Sendable, Codable, Equatable {
    /// Keyframes handed to analysis, analysed, skipped because analysis was behind, and failed to decode.
    public var offered = 0
    public var analysed = 0
    public var skipped = 0
    public var failed = 0

    public init(offered: Int = 0, analysed: Int = 0, skipped: Int = 0, failed: Int = 0) {
        self.offered = offered
        self.analysed = analysed
        self.skipped = skipped
        self.failed = failed
    }
}

/// Where a camera worker hands the keyframes it chose for analysis. Never blocks: a consumer that is behind skips.
public protocol KeyframeAnalysisQueue: Sendable {
    /// Queues a keyframe of `camera` (its payload copied) for analysis; `afterLoss`: the transport lost packets since
    /// the camera's previous keyframe, so damage the decoder conceals may be the network's, not the camera's.
    func offer(camera: String, codec: StreamCodec, wallClock: Date, payload: [UInt8], afterLoss: Bool)
}

/// Decodes live keyframes on a few threads (one per core by default) under a fair budget (`AnalysisSchedule`).
///
/// A free lane (thread) takes the waiting keyframe of the camera analysed longest ago, so when there is more video than
/// the lanes can decode, every camera's analysis age stretches alike. Offering never waits: a camera's short queue drops
/// its oldest keyframe (counted as skipped), and recording and indexing never wait for analysis. Each lane keeps the
/// decoders of the cameras it analysed most recently; a decoder never leaves its lane's thread.
public final class AnalysisPool: KeyframeAnalysisQueue {
    private let lanes: [Lane]
    private let queue: AnalysisQueue
    private let deliver: @Sendable (AnalysedKeyframe) -> Void

    /// - Parameters:
    ///   - threads: decoding threads; defaults to the number of cores.
    ///   - queueDepth: keyframes waiting per camera before the oldest is skipped.
    ///   - decodersPerLane: decoders a lane keeps open (least recently used are closed).
    ///   - thumbnailInterval: seconds of a camera's wall clock between two keyframes that also come out as a
    ///     thumbnail; nil for none.
    ///   - deliver: called on a pool thread with each result; keep it short.
    public init(
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, queueDepth: Int = 1, decodersPerLane: Int = 8,
        thumbnailInterval: TimeInterval? = nil, deliver: @escaping @Sendable (AnalysedKeyframe) -> Void
    ) {
        self.deliver = deliver
        queue = AnalysisQueue(AnalysisSchedule(queueDepth: queueDepth, thumbnailInterval: thumbnailInterval))
        lanes = (0..<max(1, threads)).map { Lane(number: $0, decoders: max(1, decodersPerLane)) }
        for lane in lanes { lane.start(pool: self) }
    }

    /// Queues a keyframe of `camera` for analysis. Never blocks: if the camera's queue is full, the oldest waiting
    /// keyframe is skipped.
    public func offer(camera: String, codec: StreamCodec, wallClock: Date, payload: [UInt8], afterLoss: Bool) {
        queue.offer(AnalysisJob(camera: camera, codec: codec, wallClock: wallClock, payload: payload, afterLoss: afterLoss))
    }

    /// The counts of every camera seen so far.
    public var snapshot: [String: AnalysisCounts] { queue.counts }

    /// Stops the threads after the keyframes they are decoding; queued ones are dropped.
    public func stop() { queue.stop() }

    /// The next keyframe for a lane; nil when stopping.
    fileprivate func next() -> AnalysisJob? { queue.next() }

    /// Delivers before marking the camera done: until then no other lane takes its next keyframe, so a camera's results
    /// come out in the order of its keyframes.
    fileprivate func finished(_ job: AnalysisJob, stats: FrameStats?, declaredFrameRate: Double?, thumbnail: Data?) {
        if var stats {
            // Concealed damage after a transport loss is the network's: not judged as the picture's corruption.
            if job.afterLoss { stats.concealed = nil }
            deliver(
                AnalysedKeyframe(
                    camera: job.camera, wallClock: job.wallClock, stats: stats, declaredFrameRate: declaredFrameRate,
                    thumbnail: thumbnail))
        }
        queue.finished(job, analysed: stats != nil, thumbnail: thumbnail != nil)
    }
}

/// The schedule and the counts, shared by the camera workers (offering) and the lanes (taking).
///
/// `@unchecked Sendable`: every stored property is read and written only with `condition` locked; a condition, not a
/// `Mutex`, because lanes sleep until a keyframe they may take is waiting.
private final class AnalysisQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var schedule: AnalysisSchedule
    private var perCamera: [String: AnalysisCounts] = [:]
    private var stopping = false

    init(_ schedule: AnalysisSchedule) { self.schedule = schedule }

    var counts: [String: AnalysisCounts] { locked { perCamera } }

    func offer(_ job: AnalysisJob) {
        locked {
            guard !stopping else { return }
            perCamera[job.camera, default: AnalysisCounts()].offered += 1
            if schedule.offer(job) { perCamera[job.camera, default: AnalysisCounts()].skipped += 1 }
            condition.signal()
        }
    }

    func next() -> AnalysisJob? {
        locked {
            while !stopping {
                if let job = schedule.take() { return job }
                condition.wait()
            }
            return nil
        }
    }

    func finished(_ job: AnalysisJob, analysed: Bool, thumbnail: Bool) {
        locked {
            if analysed {
                perCamera[job.camera, default: AnalysisCounts()].analysed += 1
            } else {
                perCamera[job.camera, default: AnalysisCounts()].failed += 1
            }
            if schedule.finished(job, thumbnail: thumbnail) { condition.signal() }
        }
    }

    func stop() {
        locked {
            stopping = true
            for (camera, dropped) in schedule.drain() { perCamera[camera, default: AnalysisCounts()].skipped += dropped }
            condition.broadcast()
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }
}

/// One decoding thread and the decoders it keeps.
private final class Lane: Sendable {
    let number: Int
    let decoders: Int

    init(number: Int, decoders: Int) {
        self.number = number
        self.decoders = decoders
    }

    func start(pool: AnalysisPool) {
        startThread("analysis-\(number)") { [self] in
            var logger = Logger(label: "skygate.analysis")
            logger[metadataKey: "lane"] = "\(number)"
            // Decoders of recently analysed cameras, most recent last. They never leave this thread.
            var open: [(camera: String, codec: StreamCodec, analyzer: KeyframeAnalyzer)] = []
            while let job = pool.next() {
                var stats: FrameStats? = nil
                var declaredFrameRate: Double? = nil
                var thumbnail: Data? = nil
                do {
                    let analyzer: KeyframeAnalyzer
                    if let found = open.firstIndex(where: { $0.camera == job.camera && $0.codec == job.codec }) {
                        analyzer = open.remove(at: found).analyzer
                    } else {
                        open.removeAll { $0.camera == job.camera }
                        analyzer = try KeyframeAnalyzer(codec: job.codec, source: job.camera)
                    }
                    open.append((job.camera, job.codec, analyzer))
                    if open.count > decoders { open.removeFirst() }
                    let analysed = try analyzer.analyze(
                        job.payload, thumbnailWidth: job.wantsThumbnail ? SnapshotEncoder.thumbnailWidth : nil)
                    stats = analysed?.stats
                    declaredFrameRate = analyzer.declaredFrameRate
                    thumbnail = analysed?.thumbnail
                } catch {
                    logger.debug("keyframe analysis failed", metadata: ["camera": "\(job.camera)", "error": "\(error)"])
                }
                pool.finished(job, stats: stats, declaredFrameRate: declaredFrameRate, thumbnail: thumbnail)
            }
        }
    }
}
