import Foundation
import MediaIO

/// A keyframe waiting for analysis, its payload copied out of the camera worker's packet.
struct AnalysisJob: Sendable {
    var camera: String
    var codec: StreamCodec
    var wallClock: Date
    var payload: [UInt8]
    /// The transport lost packets since the camera's previous keyframe (see `KeyframeAnalysisQueue.offer`).
    var afterLoss = false
    /// Set when the job is taken: whether this keyframe also comes out as a thumbnail.
    var wantsThumbnail = false
}

/// Which keyframe the analysis lanes decode next: a fair budget over every recorded camera.
///
/// Each camera has a short queue (its newest keyframes; when full, the oldest is dropped and counted as skipped). A free
/// lane takes the camera whose newest *analysed* keyframe is oldest, so every camera gets an analysed keyframe before
/// any camera gets another: when the lanes cannot keep up with every keyframe, the analysis age of every camera
/// stretches alike (about cameras ÷ keyframes analysed per second) instead of the cameras on a busy lane falling behind
/// while others are analysed in full. A camera being analysed is not taken again until it is done, so its results come
/// out in order. Time enters only as the keyframes' wall clocks, so a recorded sequence of offers replays exactly.
struct AnalysisSchedule {
    /// Keyframes kept waiting per camera.
    let queueDepth: Int
    /// Seconds of a camera's wall clock between two thumbnails; nil for none.
    let thumbnailInterval: TimeInterval?

    private var waiting: [String: [AnalysisJob]] = [:]
    /// Keyframes taken so far, and the number of each camera's last (a counter rather than a wall clock, so a camera
    /// whose clock jumped ahead is not put last until real time catches up).
    private var taken = 0
    private var lastTaken: [String: Int] = [:]
    /// The wall clock of each camera's last thumbnail.
    private var lastThumbnail: [String: Date] = [:]
    private var analysing: Set<String> = []

    init(queueDepth: Int, thumbnailInterval: TimeInterval?) {
        self.queueDepth = max(1, queueDepth)
        self.thumbnailInterval = thumbnailInterval
    }

    /// Keyframes waiting, over all cameras.
    var count: Int { waiting.values.reduce(0) { $0 + $1.count } }

    /// Queues `job`; true if an older keyframe of its camera was dropped to make room.
    mutating func offer(_ job: AnalysisJob) -> Bool {
        var queue = waiting[job.camera] ?? []
        let full = queue.count >= queueDepth
        if full { queue.removeFirst() }
        queue.append(job)
        waiting[job.camera] = queue
        return full
    }

    /// The next keyframe to analyse, or nil if every waiting keyframe's camera is being analysed: the oldest waiting
    /// keyframe of the camera analysed longest ago (cameras never analysed first, the longest waiting of them first).
    mutating func take() -> AnalysisJob? {
        var chosen: (camera: String, rank: Int, since: Date)?
        for (camera, queue) in waiting where !analysing.contains(camera) {
            let candidate = (camera: camera, rank: lastTaken[camera] ?? -1, since: queue[0].wallClock)
            if chosen.map({ (candidate.rank, candidate.since, candidate.camera) < ($0.rank, $0.since, $0.camera) }) ?? true {
                chosen = candidate
            }
        }
        guard let camera = chosen?.camera, var queue = waiting[camera] else { return nil }
        var job = queue.removeFirst()
        waiting[camera] = queue.isEmpty ? nil : queue
        analysing.insert(camera)
        taken += 1
        lastTaken[camera] = taken
        if let thumbnailInterval {
            job.wantsThumbnail =
                lastThumbnail[camera].map { abs(job.wallClock.timeIntervalSince($0)) >= thumbnailInterval } ?? true
        }
        return job
    }

    /// Marks the analysis of `job` done (`thumbnail`: whether it came out as one); true if its camera has keyframes
    /// waiting (a lane can take it now).
    mutating func finished(_ job: AnalysisJob, thumbnail: Bool) -> Bool {
        analysing.remove(job.camera)
        if thumbnail { lastThumbnail[job.camera] = job.wallClock }
        return waiting[job.camera] != nil
    }

    /// Drops every waiting keyframe; how many per camera.
    mutating func drain() -> [String: Int] {
        defer { waiting = [:] }
        return waiting.mapValues(\.count)
    }
}
