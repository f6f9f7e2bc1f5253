public import Foundation
public import Ingest
public import MediaIO

/// The fault state of one camera, fed with its observations in time order: health transitions and the statistics of
/// its analysed keyframes. Every rule confirms a change over several observations before it raises or clears (no
/// flapping), and an open fault hides the ones it would make look wrong (see `EventKind.hides`).
///
/// A value type with no clock of its own: time comes from the observations and from `tick(now:)`, so tests replay
/// any history exactly.
public struct CameraDetector: Sendable {
    public let camera: String
    public var thresholds: DetectorThresholds
    public var timeZone: TimeZone

    struct Streak {
        var faulty = 0
        var clean = 0
        var firstSeen: Date?
    }

    struct Open {
        var since: Date
        var lastUpdate: Date
        var evidence: [String: Double]
        var reason: String?
    }

    /// What a camera looks like when nothing is wrong, learned from its first clean keyframes.
    struct Baseline {
        var sharpness: Double
        /// Sharpness relative to contrast (see `detail(_:)`).
        var detail: Double
        var edgeDensity: Double
        var spread: Double
        /// The hashes of the learnt keyframes: a live scene's hash wanders (people, cars, light), so the scene is
        /// all of them, and a picture's distance from it is its distance from the nearest.
        var sceneHashes: [UInt64]

        func distance(_ hash: UInt64) -> Int { nearestHashDistance(hash, in: sceneHashes) ?? 64 }
    }

    private(set) var open: [EventKind: Open] = [:]
    private(set) var streaks: [EventKind: Streak] = [:]
    /// A health outage not yet long enough to be an event: its kind, start and reason.
    private var outage: (kind: EventKind, since: Date, reason: String?)?
    private var learning: [FrameStats] = []
    var window: (bits: Double, frames: Double, seconds: Double) = (0, 0, 0)
    /// Frames per second the recorded stream declares, from its latest analysed keyframe (`observe(_:at:)` callers
    /// set it; forgotten when the connection is lost): what the throughput windows' frame rate is judged against.
    public var declaredFrameRate: Double?
    var learningRates: [(bitrate: Double, frameRate: Double)] = []
    var streamBaseline: (bitrate: Double, frameRate: Double)?
    private(set) var baseline: Baseline?
    /// The operator's reference picture (`ReferencePicture`), if one is set: "camera moved" and "occlusion" compare
    /// with it as well as with the learned baseline. A new or cleared reference starts the baseline's learning again:
    /// a baseline learned from a wrong view (the reason for a reference) would otherwise keep "camera moved" open once
    /// the view is put right, and with a reference nothing is learned while the picture does not match it.
    public var reference: ReferencePicture? {
        didSet {
            guard reference != oldValue else { return }
            baseline = nil
            learning = []
        }
    }
    private var previous: FrameStats?
    /// Patrol visits in a row that did not reach the camera: how many, since when, and the first one's reason.
    var failedVisits: (count: Int, since: Date, reason: String?)?
    /// Seconds between `updated` transitions of an open event.
    public var updateInterval: Double = 60

    public init(camera: String, thresholds: DetectorThresholds = DetectorThresholds(), timeZone: TimeZone = .current) {
        self.camera = camera
        self.thresholds = thresholds
        self.timeZone = timeZone
    }

    /// The kinds open now.
    public var openKinds: Set<EventKind> { Set(open.keys) }

    // MARK: - Health

    /// A health transition of the camera.
    public mutating func observe(health state: HealthState, reason: HealthReason?, at time: Date) -> [DetectorTransition] {
        var out: [DetectorTransition] = []
        switch state {
        case .streaming:
            outage = nil
            for kind in [EventKind.offline, .stalled] where open[kind] != nil { out.append(clear(kind, at: time)) }
        case .offline, .stalled:
            // The next connection's stream may declare another rate: known again from its first analysed keyframe.
            declaredFrameRate = nil
            if outage == nil { outage = (state == .offline ? .offline : .stalled, time, reason?.rawValue) }
            out += tick(now: time)
        case .stopped, .disabled:
            // Not supposed to run: nothing of it is a fault any more.
            outage = nil
            for kind in open.keys.sorted() { out.append(clear(kind, at: time)) }
            streaks = [:]
            previous = nil
        case .connecting:
            break
        }
        return out
    }

    /// When the pending outage becomes an event (its start plus `offlineAfter`), if one is pending and none is open:
    /// where a replay ticks, as the live engine's once-a-second clock would within a second.
    public var outageDue: Date? {
        guard let outage, open[.offline] == nil, open[.stalled] == nil else { return nil }
        return outage.since.addingTimeInterval(thresholds.offlineAfter)
    }

    /// Raises the pending outage once it has lasted `offlineAfter` seconds; call it periodically.
    public mutating func tick(now: Date) -> [DetectorTransition] {
        guard let outage, open[.offline] == nil, open[.stalled] == nil,
            now.timeIntervalSince(outage.since) >= thresholds.offlineAfter
        else { return [] }
        guard !thresholds.disabled.contains(outage.kind) else { return [] }
        return [raise(outage.kind, since: outage.since, at: now, evidence: [:], reason: outage.reason)]
    }

    // MARK: - Pictures

    /// The statistics of an analysed keyframe taken at `time`; `sunElevation`, the sun's height in degrees at the
    /// camera then (nil when the camera's position is not known: IR-cut is then not judged).
    public mutating func observe(_ stats: FrameStats, at time: Date, sunElevation: Double? = nil) -> [DetectorTransition] {
        defer { previous = stats }
        // A camera that is out has no pictures to judge; its open picture faults stay as they were.
        if open[.offline] != nil || open[.stalled] != nil { return [] }
        let night = thresholds.isNight(time, timeZone: timeZone)
        let assessed = assess(stats, night: night, sunElevation: sunElevation)
        var faults = assessed.faults.filter { !thresholds.disabled.contains($0.key) }
        // Hidden: what an open or present fault of a higher rank would make look wrong.
        let hidden = Set((Set(open.keys).union(faults.keys)).flatMap(\.hides))
        faults = faults.filter { !hidden.contains($0.key) }

        var out: [DetectorTransition] = []
        for kind in EventKind.allCases where kind.isPictureFault && !assessed.unjudged.contains(kind) {
            if hidden.contains(kind) {
                resetStreak(kind)
                continue
            }
            out += judge(kind, faulty: faults[kind], at: time)
        }
        if faults.isEmpty && open.keys.allSatisfy({ !$0.isPictureFault }) { learn(stats) }
        return out
    }

    /// One observation of one kind, faulty (with its evidence) or clean: raises after enough faulty ones in a row,
    /// clears after enough clean ones, and updates an open event at most every `updateInterval`.
    mutating func judge(_ kind: EventKind, faulty evidence: [String: Double]?, at time: Date)
        -> [DetectorTransition]
    {
        var streak = streaks[kind] ?? Streak()
        defer { streaks[kind] = streak }
        guard let evidence else {
            streak.clean += 1
            streak.faulty = 0
            streak.firstSeen = nil
            return open[kind] != nil && streak.clean >= thresholds.clearAfter ? [clear(kind, at: time)] : []
        }
        streak.faulty += 1
        streak.clean = 0
        streak.firstSeen = streak.firstSeen ?? time
        if var current = open[kind] {
            current.evidence = evidence
            defer { open[kind] = current }
            guard time.timeIntervalSince(current.lastUpdate) >= updateInterval else { return [] }
            current.lastUpdate = time
            return [transition(kind, .updated, at: time, since: current.since, evidence: evidence)]
        }
        let needed = kind == .cameraMoved ? thresholds.movedAfter : thresholds.raiseAfter
        guard streak.faulty >= needed else { return [] }
        return [raise(kind, since: streak.firstSeen!, at: time, evidence: evidence, reason: nil)]
    }

    /// Starts the count of `kind`'s bad and good observations in a row again.
    mutating func resetStreak(_ kind: EventKind) { streaks[kind] = Streak() }

    /// Takes over an event that was open when the service last stopped, so it clears when the fault ends.
    public mutating func restore(_ kind: EventKind, since: Date, updatedAt: Date, evidence: [String: Double], reason: String?) {
        open[kind] = Open(since: since, lastUpdate: updatedAt, evidence: evidence, reason: reason)
    }

    /// Which picture faults these statistics show, each with its evidence, and which kinds they cannot judge (see
    /// `signalJudgement`).
    func assess(_ stats: FrameStats, night: Bool, sunElevation: Double? = nil)
        -> (faults: [EventKind: [String: Double]], unjudged: Set<EventKind>)
    {
        let signal = signalJudgement(stats)
        var faults = signal.faults
        let darkLuma = night ? thresholds.darkLumaNight : thresholds.darkLumaDay
        if stats.meanLuma <= darkLuma && stats.darkFraction >= thresholds.darkFraction {
            faults[.tooDark] = ["meanLuma": stats.meanLuma, "darkFraction": stats.darkFraction, "threshold": darkLuma]
        }
        if stats.meanLuma >= thresholds.brightLuma && stats.brightFraction >= thresholds.brightFraction {
            faults[.tooBright] = ["meanLuma": stats.meanLuma, "brightFraction": stats.brightFraction]
        }
        if let baseline, let evidence = lowContrast(stats, baseline: baseline) { faults[.lowContrast] = evidence }
        if let evidence = occlusion(stats) { faults[.occlusion] = evidence }
        if let previous, stats.lumaStdDev >= thresholds.frozenMinimumSpread,
            FrameStats.hashDistance(stats.perceptualHash, previous.perceptualHash) <= thresholds.frozenHashBits
        {
            // The same picture again: the thumbnail unchanged everywhere to within what re-encoding changes (a live
            // scene moves or its light drifts somewhere). Without thumbnails: same brightness and detail.
            if let change = FrameStats.thumbnailChange(stats, previous) {
                if change <= thresholds.frozenThumbnailChange { faults[.frozen] = ["thumbnailChange": change] }
            } else if abs(stats.meanLuma - previous.meanLuma) < 0.25,
                abs(stats.sharpness - previous.sharpness) <= 0.02 * max(previous.sharpness, 1)
            {
                faults[.frozen] = ["meanLumaChange": abs(stats.meanLuma - previous.meanLuma)]
            }
        }
        // Detail relative to contrast: dimming a picture lowers its Laplacian with the square of its contrast, which
        // is not blur; blurring lowers the Laplacian while the contrast stays.
        let detail = Self.detail(stats)
        let blurLimit = baseline.map { thresholds.blurRatio * $0.detail } ?? 0
        if stats.sharpness < thresholds.blurFloor || detail < blurLimit {
            faults[.blur] = [
                "sharpness": stats.sharpness, "baselineSharpness": baseline?.sharpness ?? -1, "detail": detail,
                "baselineDetail": baseline?.detail ?? -1,
            ]
        }
        let chroma = ((stats.meanU - 128) * (stats.meanU - 128) + (stats.meanV - 128) * (stats.meanV - 128)).squareRoot()
        if !night && chroma >= thresholds.colourCastDistance {
            faults[.colourCast] = ["chromaDistance": chroma, "meanU": stats.meanU, "meanV": stats.meanV]
        }
        if let sunElevation, let evidence = irCut(stats, sunElevation: sunElevation) { faults[.irCut] = evidence }
        if let evidence = moved(stats) { faults[.cameraMoved] = evidence }
        return (faults, signal.unjudged)
    }

    /// The upper median of a non-empty list: a baseline's value, robust to a few odd observations.
    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// Sharpness over contrast (Laplacian variance over luma variance).
    static func detail(_ stats: FrameStats) -> Double { stats.sharpness / max(stats.lumaStdDev * stats.lumaStdDev, 1) }

    /// Learns the baseline from the first clean keyframes (medians), then follows slow changes (light, seasons).
    private mutating func learn(_ stats: FrameStats) {
        if var baseline {
            let rate = 0.02
            baseline.sharpness += rate * (stats.sharpness - baseline.sharpness)
            baseline.detail += rate * (Self.detail(stats) - baseline.detail)
            baseline.edgeDensity += rate * (stats.edgeDensity - baseline.edgeDensity)
            baseline.spread += rate * (stats.lumaStdDev - baseline.spread)
            self.baseline = baseline
            return
        }
        learning.append(stats)
        guard learning.count >= thresholds.learningKeyframes else { return }
        baseline = Baseline(
            sharpness: Self.median(learning.map(\.sharpness)), detail: Self.median(learning.map(Self.detail)),
            edgeDensity: Self.median(learning.map(\.edgeDensity)),
            spread: Self.median(learning.map(\.lumaStdDev)), sceneHashes: learning.map(\.perceptualHash))
        learning = []
    }

    // MARK: - Lifecycle

    mutating func raise(_ kind: EventKind, since: Date, at time: Date, evidence: [String: Double], reason: String?)
        -> DetectorTransition
    {
        open[kind] = Open(since: since, lastUpdate: time, evidence: evidence, reason: reason)
        return transition(kind, .raised, at: time, since: since, evidence: evidence, reason: reason)
    }

    mutating func clear(_ kind: EventKind, at time: Date) -> DetectorTransition {
        let current = open.removeValue(forKey: kind)!
        resetStreak(kind)
        return transition(kind, .cleared, at: time, since: current.since, evidence: current.evidence, reason: current.reason)
    }

    private func transition(
        _ kind: EventKind, _ phase: DetectorTransition.Phase, at time: Date, since: Date, evidence: [String: Double],
        reason: String? = nil
    ) -> DetectorTransition {
        DetectorTransition(device: camera, kind: kind, phase: phase, at: time, since: since, evidence: evidence, reason: reason)
    }
}

/// Bits between a hash and the nearest of a scene's (a learned baseline's, a reference picture's); nil for no scene.
func nearestHashDistance(_ hash: UInt64, in scene: [UInt64]) -> Int? {
    scene.map { FrameStats.hashDistance(hash, $0) }.min()
}
