import Foundation
import MediaIO

/// A change in a camera's fault state: raised, updated (still open, newer evidence), cleared.
public struct DetectorTransition: Sendable, Equatable, Codable {
    public enum Phase: String, Sendable, Codable { case raised, updated, cleared }
    public var camera: String
    public var kind: EventKind
    public var phase: Phase
    /// When this transition happened (the observation that decided it).
    public var at: Date
    /// When the fault was first seen: the start of the event, before the hysteresis confirmed it.
    public var since: Date
    /// The numbers behind it (statistics, baselines, distances, the health reason code as `reason`).
    public var evidence: [String: Double]
    /// For health events, the reason ("refused", "noData", …).
    public var reason: String?

    public init(
        camera: String, kind: EventKind, phase: Phase, at: Date, since: Date, evidence: [String: Double], reason: String? = nil
    ) {
        self.camera = camera
        self.kind = kind
        self.phase = phase
        self.at = at
        self.since = since
        self.evidence = evidence
        self.reason = reason
    }
}

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
        var edgeDensity: Double
        var spread: Double
        var sceneHash: UInt64
    }

    private(set) var open: [EventKind: Open] = [:]
    private var streaks: [EventKind: Streak] = [:]
    /// A health outage not yet long enough to be an event: its kind, start and reason.
    private var outage: (kind: EventKind, since: Date, reason: String?)?
    private var learning: [FrameStats] = []
    private var baseline: Baseline?
    private var previous: FrameStats?
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

    /// A health transition: "connecting", "streaming", "stalled", "offline", "stopped", "disabled".
    public mutating func observe(health state: String, reason: String?, at time: Date) -> [DetectorTransition] {
        var out: [DetectorTransition] = []
        switch state {
        case "streaming":
            outage = nil
            for kind in [EventKind.offline, .stalled] where open[kind] != nil { out.append(clear(kind, at: time)) }
        case "offline", "stalled":
            if outage == nil { outage = (state == "offline" ? .offline : .stalled, time, reason) }
            out += tick(now: time)
        case "stopped", "disabled":
            // Not supposed to run: nothing of it is a fault any more.
            outage = nil
            for kind in open.keys.sorted() { out.append(clear(kind, at: time)) }
            streaks = [:]
            previous = nil
        default:
            break
        }
        return out
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

    /// The statistics of an analysed keyframe taken at `time`.
    public mutating func observe(_ stats: FrameStats, at time: Date) -> [DetectorTransition] {
        defer { previous = stats }
        // A camera that is out has no pictures to judge; its open picture faults stay as they were.
        if open[.offline] != nil || open[.stalled] != nil { return [] }
        let night = thresholds.isNight(time, timeZone: timeZone)
        var faults = assess(stats, night: night).filter { !thresholds.disabled.contains($0.key) }
        // Hidden: what an open or present fault of a higher rank would make look wrong.
        let hidden = Set((Set(open.keys).union(faults.keys)).flatMap(\.hides))
        faults = faults.filter { !hidden.contains($0.key) }

        var out: [DetectorTransition] = []
        for kind in EventKind.allCases where kind.isPictureFault {
            if hidden.contains(kind) {
                streaks[kind] = Streak()
                continue
            }
            var streak = streaks[kind] ?? Streak()
            if let evidence = faults[kind] {
                streak.faulty += 1
                streak.clean = 0
                streak.firstSeen = streak.firstSeen ?? time
                let needed = kind == .cameraMoved ? thresholds.movedAfter : thresholds.raiseAfter
                if var current = open[kind] {
                    current.evidence = evidence
                    if time.timeIntervalSince(current.lastUpdate) >= updateInterval {
                        current.lastUpdate = time
                        out.append(transition(kind, .updated, at: time, since: current.since, evidence: evidence))
                    }
                    open[kind] = current
                } else if streak.faulty >= needed {
                    out.append(raise(kind, since: streak.firstSeen!, at: time, evidence: evidence, reason: nil))
                }
            } else {
                streak.clean += 1
                streak.faulty = 0
                streak.firstSeen = nil
                if open[kind] != nil && streak.clean >= thresholds.clearAfter { out.append(clear(kind, at: time)) }
            }
            streaks[kind] = streak
        }
        if faults.isEmpty && open.keys.allSatisfy({ !$0.isPictureFault }) { learn(stats) }
        return out
    }

    /// Which picture faults these statistics show, each with its evidence.
    func assess(_ stats: FrameStats, night: Bool) -> [EventKind: [String: Double]] {
        var faults: [EventKind: [String: Double]] = [:]
        let darkLuma = night ? thresholds.darkLumaNight : thresholds.darkLumaDay
        if stats.meanLuma <= darkLuma && stats.darkFraction >= thresholds.darkFraction {
            faults[.tooDark] = ["meanLuma": stats.meanLuma, "darkFraction": stats.darkFraction, "threshold": darkLuma]
        }
        if stats.meanLuma >= thresholds.brightLuma && stats.brightFraction >= thresholds.brightFraction {
            faults[.tooBright] = ["meanLuma": stats.meanLuma, "brightFraction": stats.brightFraction]
        }
        if let baseline, stats.edgeDensity < thresholds.occlusionEdgeRatio * baseline.edgeDensity,
            stats.lumaStdDev < thresholds.occlusionSpreadRatio * baseline.spread
        {
            faults[.occlusion] = [
                "edgeDensity": stats.edgeDensity, "baselineEdgeDensity": baseline.edgeDensity, "lumaStdDev": stats.lumaStdDev,
                "baselineLumaStdDev": baseline.spread,
            ]
        }
        if let previous, stats.lumaStdDev >= thresholds.frozenMinimumSpread,
            FrameStats.hashDistance(stats.perceptualHash, previous.perceptualHash) <= thresholds.frozenHashBits,
            abs(stats.meanLuma - previous.meanLuma) < 0.25,
            abs(stats.sharpness - previous.sharpness) <= 0.02 * max(previous.sharpness, 1)
        {
            // The same picture again: same structure, and the same brightness and detail to within what sensor noise
            // and a live scene always change.
            faults[.frozen] = ["hashDistance": 0, "meanLumaChange": abs(stats.meanLuma - previous.meanLuma)]
        }
        let blurLimit = baseline.map { thresholds.blurRatio * $0.sharpness } ?? 0
        if stats.sharpness < thresholds.blurFloor || stats.sharpness < blurLimit {
            faults[.blur] = ["sharpness": stats.sharpness, "baselineSharpness": baseline?.sharpness ?? -1]
        }
        let chroma = ((stats.meanU - 128) * (stats.meanU - 128) + (stats.meanV - 128) * (stats.meanV - 128)).squareRoot()
        if !night && chroma >= thresholds.colourCastDistance {
            faults[.colourCast] = ["chromaDistance": chroma, "meanU": stats.meanU, "meanV": stats.meanV]
        }
        if let baseline {
            let distance = FrameStats.hashDistance(stats.perceptualHash, baseline.sceneHash)
            let wasMoved = open[.cameraMoved] != nil || (streaks[.cameraMoved]?.faulty ?? 0) > 0
            if distance >= thresholds.movedHashBits || (wasMoved && distance > thresholds.movedBackHashBits) {
                faults[.cameraMoved] = ["hashDistance": Double(distance)]
            }
        }
        return faults
    }

    /// Learns the baseline from the first clean keyframes (medians), then follows slow changes (light, seasons).
    private mutating func learn(_ stats: FrameStats) {
        if var baseline {
            let rate = 0.02
            baseline.sharpness += rate * (stats.sharpness - baseline.sharpness)
            baseline.edgeDensity += rate * (stats.edgeDensity - baseline.edgeDensity)
            baseline.spread += rate * (stats.lumaStdDev - baseline.spread)
            self.baseline = baseline
            return
        }
        learning.append(stats)
        guard learning.count >= thresholds.learningKeyframes else { return }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        // The scene's hash: the learnt keyframe closest to all the others.
        let hashes = learning.map(\.perceptualHash)
        let scene = hashes.min { a, b in
            hashes.reduce(0) { $0 + FrameStats.hashDistance(a, $1) } < hashes.reduce(0) { $0 + FrameStats.hashDistance(b, $1) }
        }!
        baseline = Baseline(
            sharpness: median(learning.map(\.sharpness)), edgeDensity: median(learning.map(\.edgeDensity)),
            spread: median(learning.map(\.lumaStdDev)), sceneHash: scene)
        learning = []
    }

    // MARK: - Lifecycle

    private mutating func raise(_ kind: EventKind, since: Date, at time: Date, evidence: [String: Double], reason: String?)
        -> DetectorTransition
    {
        open[kind] = Open(since: since, lastUpdate: time, evidence: evidence, reason: reason)
        return transition(kind, .raised, at: time, since: since, evidence: evidence, reason: reason)
    }

    private mutating func clear(_ kind: EventKind, at time: Date) -> DetectorTransition {
        let current = open.removeValue(forKey: kind)!
        streaks[kind] = Streak()
        return transition(kind, .cleared, at: time, since: current.since, evidence: current.evidence, reason: current.reason)
    }

    private func transition(
        _ kind: EventKind, _ phase: DetectorTransition.Phase, at time: Date, since: Date, evidence: [String: Double],
        reason: String? = nil
    ) -> DetectorTransition {
        DetectorTransition(camera: camera, kind: kind, phase: phase, at: time, since: since, evidence: evidence, reason: reason)
    }
}
