public import Foundation
import Logging
public import MediaIO
import Synchronization

/// The statistics of one analysed live keyframe.
public struct AnalysedKeyframe: Sendable {
    public var camera: String
    /// The keyframe's wall-clock time (its key in the recording index).
    public var wallClock: Date
    public var stats: FrameStats
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
    /// Queues a keyframe of `camera` (its payload copied) for analysis.
    func offer(camera: String, codec: StreamCodec, wallClock: Date, payload: [UInt8])
}

/// Decodes live keyframes on a few threads (one per core by default), with a short queue per camera.
///
/// Each camera is pinned to one lane (thread), so its decoder lives and dies on that thread. When a camera's queue is
/// full, the oldest queued keyframe is dropped and counted as skipped: analysis falls behind gracefully, and
/// recording and indexing (which never wait for it) are untouched. Decoders are kept for the most recently seen
/// cameras of each lane only, so memory does not grow with the number of cameras.
public final class AnalysisPool: KeyframeAnalysisQueue {
    private let lanes: [Lane]
    private let counts = Mutex<[String: AnalysisCounts]>([:])
    private let deliver: @Sendable (AnalysedKeyframe) -> Void

    /// - Parameters:
    ///   - threads: decoding threads; defaults to the number of cores.
    ///   - queueDepth: keyframes waiting per camera before the oldest is skipped.
    ///   - decodersPerLane: decoders a lane keeps open (least recently used are closed).
    ///   - thumbnailInterval: seconds of a camera's wall clock between two keyframes that also come out as a
    ///     thumbnail; nil for none.
    ///   - deliver: called on a pool thread with each result; keep it short.
    public init(
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, queueDepth: Int = 2, decodersPerLane: Int = 8,
        thumbnailInterval: TimeInterval? = nil, deliver: @escaping @Sendable (AnalysedKeyframe) -> Void
    ) {
        self.deliver = deliver
        lanes = (0..<max(1, threads)).map {
            Lane(
                number: $0, queueDepth: max(1, queueDepth), decoders: max(1, decodersPerLane),
                thumbnailInterval: thumbnailInterval)
        }
        for lane in lanes { lane.start(pool: self) }
    }

    /// Queues a keyframe of `camera` for analysis. Never blocks: if the camera's queue is full, the oldest waiting
    /// keyframe is skipped.
    public func offer(camera: String, codec: StreamCodec, wallClock: Date, payload: [UInt8]) {
        let skipped = lanes[Self.lane(of: camera, among: lanes.count)].enqueue(
            Job(camera: camera, codec: codec, wallClock: wallClock, payload: payload))
        counts.withLock {
            $0[camera, default: AnalysisCounts()].offered += 1
            if skipped { $0[camera, default: AnalysisCounts()].skipped += 1 }
        }
    }

    /// The counts of every camera seen so far.
    public var snapshot: [String: AnalysisCounts] { counts.withLock { $0 } }

    /// Stops the threads after the keyframes they are decoding; queued ones are dropped.
    public func stop() {
        for lane in lanes { lane.stop() }
    }

    fileprivate func finished(_ job: Job, stats: FrameStats?, thumbnail: Data?) {
        counts.withLock {
            if stats == nil {
                $0[job.camera, default: AnalysisCounts()].failed += 1
            } else {
                $0[job.camera, default: AnalysisCounts()].analysed += 1
            }
        }
        if let stats {
            deliver(AnalysedKeyframe(camera: job.camera, wallClock: job.wallClock, stats: stats, thumbnail: thumbnail))
        }
    }

    /// A stable lane for a camera (FNV-1a of its ID), the same in every run.
    static func lane(of camera: String, among count: Int) -> Int {
        Int(stableHash(camera) % UInt64(count))
    }
}

private struct Job: Sendable {
    var camera: String
    var codec: StreamCodec
    var wallClock: Date
    var payload: [UInt8]
}

/// One decoding thread with its cameras' queues.
private final class Lane: Sendable {
    let number: Int
    let queueDepth: Int
    let decoders: Int
    let thumbnailInterval: TimeInterval?
    /// Waiting jobs per camera, the round-robin order of cameras, and whether the lane is stopping.
    private let state = Mutex<(queues: [String: [Job]], order: [String], stopping: Bool)>(([:], [], false))
    /// Counts waiting jobs (plus one wake-up when stopping).
    private let ready = DispatchSemaphore(value: 0)

    init(number: Int, queueDepth: Int, decoders: Int, thumbnailInterval: TimeInterval?) {
        self.number = number
        self.queueDepth = queueDepth
        self.decoders = decoders
        self.thumbnailInterval = thumbnailInterval
    }

    /// Adds a job; true if an older one of the same camera was dropped to make room.
    func enqueue(_ job: Job) -> Bool {
        let dropped = state.withLock { state -> Bool? in
            guard !state.stopping else { return nil }
            var queue = state.queues[job.camera] ?? []
            if queue.isEmpty && !state.order.contains(job.camera) { state.order.append(job.camera) }
            let full = queue.count >= queueDepth
            if full { queue.removeFirst() }
            queue.append(job)
            state.queues[job.camera] = queue
            return full
        }
        guard let dropped else { return true }
        if !dropped { ready.signal() }
        return dropped
    }

    func stop() {
        state.withLock { $0.stopping = true }
        ready.signal()
    }

    /// The next job, taking cameras in turn so a busy camera cannot starve the others; nil when stopping.
    private func next() -> Job? {
        while true {
            ready.wait()
            let job = state.withLock { state -> Job?? in
                if state.stopping { return .some(nil) }
                while let camera = state.order.first {
                    state.order.removeFirst()
                    guard var queue = state.queues[camera], !queue.isEmpty else { continue }
                    let job = queue.removeFirst()
                    state.queues[camera] = queue.isEmpty ? nil : queue
                    if !queue.isEmpty { state.order.append(camera) }
                    return .some(job)
                }
                return nil
            }
            if let job { return job }
        }
    }

    func start(pool: AnalysisPool) {
        startThread("analysis-\(number)") { [self] in
            var logger = Logger(label: "skygate.analysis")
            logger[metadataKey: "lane"] = "\(number)"
            // Decoders of recently seen cameras, most recent last. They never leave this thread.
            var open: [(camera: String, codec: StreamCodec, analyzer: KeyframeAnalyzer)] = []
            // The keyframe time of each camera's last thumbnail; a camera of this lane is only ever here.
            var thumbnailed: [String: Date] = [:]
            while let job = next() {
                var stats: FrameStats? = nil
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
                    let wantsThumbnail = thumbnailInterval.map { interval in
                        thumbnailed[job.camera].map { abs(job.wallClock.timeIntervalSince($0)) >= interval } ?? true
                    }
                    let analysed = try analyzer.analyze(
                        job.payload, thumbnailWidth: wantsThumbnail == true ? SnapshotEncoder.thumbnailWidth : nil)
                    stats = analysed?.stats
                    thumbnail = analysed?.thumbnail
                    if thumbnail != nil { thumbnailed[job.camera] = job.wallClock }
                } catch {
                    logger.debug("keyframe analysis failed", metadata: ["camera": "\(job.camera)", "error": "\(error)"])
                }
                pool.finished(job, stats: stats, thumbnail: thumbnail)
            }
        }
    }
}
