public import Foundation

/// A camera in patrol mode, as the planner needs it.
public struct PatrolTarget: Sendable, Hashable {
    public var camera: String
    /// Where its stream comes from (the URL's host, or the GB/T 28181 device): many channels behind one NVR or
    /// platform share it, and the per-host limit counts visits by it.
    public var host: String
    /// Its grid and the grids above it, for quiet windows.
    public var gridPath: [String]
    /// It has an open fault: re-visited after the plan's `faultRevisit` and before cameras merely due.
    public var hasOpenFault: Bool

    public init(camera: String, host: String, gridPath: [String] = [], hasOpenFault: Bool = false) {
        self.camera = camera
        self.host = host
        self.gridPath = gridPath
        self.hasOpenFault = hasOpenFault
    }
}

/// How far the current round has come.
public struct PatrolProgress: Sendable, Equatable, Codable {
    /// Rounds count from 1: a round ends when every patrol camera outside a quiet window has been visited in it.
    public var round: Int
    public var roundStartedAt: Date
    public var visited: Int
    public var cameras: Int
    public var running: Int
    /// When this was taken.
    public var at: Date
}

/// Which patrol cameras to visit, and when: a value-type state machine that takes time as an input, so that a day of
/// rounds replays in a test in milliseconds.
///
/// A camera is due when its last visit began an interval ago (the plan's, by time of day; shorter with an open fault)
/// and it is not in a quiet window. Due cameras start in the order they fell due (never visited first), with a stable
/// pseudo-random order among equals so that the channels of one NVR, whose IDs are
/// consecutive, spread over the round instead of arriving together; at most `concurrency` visits run, at most
/// `perHostLimit` of them per host, less the host's recorded sessions (but at least one).
public struct PatrolPlanner: Sendable {
    public var plan: PatrolPlan
    public var concurrency: Int
    public var perHostLimit: Int
    private var targets: [String: PatrolTarget] = [:]
    private var lastVisit: [String: Date] = [:]
    private var running: [String: String] = [:]
    private var runningPerHost: [String: Int] = [:]
    private var round = 1
    private var roundStartedAt: Date
    private var visitedInRound: Set<String> = []
    /// Cameras an operator asked to visit now: due at once, quiet window or not, before everything else.
    private var requested: Set<String> = []
    /// Sessions each host serves that are not visits (its recorded cameras): they take from its per-host limit.
    private var busy: [String: Int] = [:]

    public init(plan: PatrolPlan, concurrency: Int, perHostLimit: Int, now: Date) {
        precondition(concurrency >= 1 && perHostLimit >= 1)
        self.plan = plan
        self.concurrency = concurrency
        self.perHostLimit = perHostLimit
        roundStartedAt = now
    }

    /// The patrol cameras, as the registry has them now. A camera that leaves patrol mode leaves the round (a visit
    /// of it that is running still ends with `finish`); one that comes back keeps its last visit.
    public mutating func setTargets(_ list: [PatrolTarget], lastVisits: [String: Date] = [:]) {
        targets = Dictionary(list.map { ($0.camera, $0) }, uniquingKeysWith: { _, last in last })
        for (camera, at) in lastVisits where lastVisit[camera].map({ $0 < at }) ?? true { lastVisit[camera] = at }
        visitedInRound.formIntersection(targets.keys)
        requested.formIntersection(targets.keys)
    }

    /// An operator's "run now": every patrol camera, or those of `grid` and the grids below it, is due at once and goes
    /// first, even in a quiet window. The visits count in the round under way like any other (a run of every camera
    /// completes it). Returns how many cameras it asked for.
    @discardableResult
    public mutating func visitNow(grid: String?) -> Int {
        let chosen = targets.values.filter { grid == nil || $0.gridPath.contains(grid!) }.map(\.camera)
        requested.formUnion(chosen)
        return chosen.count
    }

    /// The sessions each host serves besides visits (the recorded cameras behind an NVR). A host's visits are then
    /// limited to `perHostLimit` less those, but never to none: patrol cameras behind a busy NVR are still visited,
    /// one at a time.
    public mutating func setBusyHosts(_ sessions: [String: Int]) { busy = sessions }

    /// Which patrol cameras have an open fault now (the event engine's view): they are re-visited sooner, and first.
    public mutating func setOpenFaults(_ cameras: Set<String>) {
        for (camera, target) in targets where target.hasOpenFault != cameras.contains(camera) {
            targets[camera]?.hasOpenFault = cameras.contains(camera)
        }
    }

    /// The visits to begin at `now`, in order, each counted as running until `finish`.
    public mutating func start(now: Date) -> [PatrolTarget] {
        guard running.count < concurrency else { return [] }
        let interval = plan.interval(at: now)
        // Each key computed once: a first round sorts every camera of a district at every visit's end.
        let quiet = plan.quiet(at: now)
        let due = targets.values.filter { isDue($0, now: now, interval: interval, quiet: quiet) }.map {
            (order($0, interval: interval), $0)
        }
        var started: [PatrolTarget] = []
        for (_, target) in due.sorted(by: { $0.0 < $1.0 }) {
            guard running.count < concurrency else { break }
            guard runningPerHost[target.host, default: 0] < max(1, perHostLimit - busy[target.host, default: 0]) else {
                continue
            }
            running[target.camera] = target.host
            runningPerHost[target.host, default: 0] += 1
            lastVisit[target.camera] = now
            requested.remove(target.camera)
            started.append(target)
        }
        return started
    }

    /// A visit ended (whatever its outcome): its slot is free, and it counts for the round.
    public mutating func finish(camera: String, at now: Date) {
        guard let host = running.removeValue(forKey: camera) else { return }
        runningPerHost[host, default: 1] -= 1
        if runningPerHost[host] == 0 { runningPerHost[host] = nil }
        guard targets[camera] != nil else { return }
        visitedInRound.insert(camera)
        let quiet = plan.quiet(at: now)
        let awake = targets.values.filter { !quiet.contains(gridPath: $0.gridPath) }
        if !awake.isEmpty, awake.allSatisfy({ visitedInRound.contains($0.camera) }) {
            round += 1
            roundStartedAt = now
            visitedInRound = []
        }
    }

    /// When the next camera that is not due at `now` falls due: the time to ask `start` again, besides every visit's
    /// end (a camera due now that `start` left waiting is waiting for a free slot, which only an end gives). Cameras in
    /// a quiet window are left out, and the interval is the one at `now`: a caller asks again at least once a minute,
    /// so that a window's end or a new period is noticed.
    public func nextDue(after now: Date) -> Date? {
        let (interval, quiet) = (plan.interval(at: now), plan.quiet(at: now))
        return targets.values.lazy
            .filter { self.running[$0.camera] == nil && !quiet.contains(gridPath: $0.gridPath) }
            .compactMap { target in self.lastVisit[target.camera].map { $0 + self.wait(target, interval: interval) } }
            .filter { $0 > now }.min()
    }

    public var progress: PatrolProgress {
        PatrolProgress(
            round: round, roundStartedAt: roundStartedAt, visited: visitedInRound.count, cameras: targets.count,
            running: running.count, at: Date())
    }

    /// When a camera's last visit began, if it had one.
    public func lastVisit(of camera: String) -> Date? { lastVisit[camera] }

    private func wait(_ target: PatrolTarget, interval: TimeInterval) -> TimeInterval {
        target.hasOpenFault ? min(interval, plan.faultRevisit) : interval
    }

    private func isDue(_ target: PatrolTarget, now: Date, interval: TimeInterval, quiet: PatrolPlan.QuietNow) -> Bool {
        guard running[target.camera] == nil else { return false }
        if requested.contains(target.camera) { return true }
        guard !quiet.contains(gridPath: target.gridPath) else { return false }
        guard let last = lastVisit[target.camera] else { return true }
        return now >= last + wait(target, interval: interval)
    }

    /// Cameras an operator asked for first; then the camera that fell due longest ago (never visited first of all),
    /// an open fault first among equals,
    /// then a stable shuffle that changes
    /// each round. An open fault is a priority through its shorter interval: it falls due sooner, and then waits its
    /// turn like any camera. (It once went before everything, and with faults re-visited as often as the plan's own
    /// interval, a few hundred faulty cameras took every slot and the rest of the round waited.)
    private func order(_ target: PatrolTarget, interval: TimeInterval) -> PatrolOrder {
        PatrolOrder(
            requested: requested.contains(target.camera) ? 0 : 1,
            dueSince: lastVisit[target.camera].map { ($0 + wait(target, interval: interval)).timeIntervalSinceReferenceDate }
                ?? -.infinity, routine: target.hasOpenFault ? 0 : 1,
            shuffle: scrambled(stableHash(target.camera, seed: UInt64(round))), camera: target.camera)
    }
}

/// A due camera's place in the queue, compared field by field.
private struct PatrolOrder: Comparable {
    var requested: Int
    var dueSince: Double
    var routine: Int
    var shuffle: UInt64
    var camera: String

    static func < (a: PatrolOrder, b: PatrolOrder) -> Bool {
        (a.requested, a.dueSince, a.routine, a.shuffle, a.camera) < (b.requested, b.dueSince, b.routine, b.shuffle, b.camera)
    }
}
