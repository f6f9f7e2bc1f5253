import Foundation
import Ingest
import Testing

@Suite("Patrol planner")
struct PatrolPlannerTests {
    static let utc = TimeZone(identifier: "UTC")!
    /// 2026-12-01 12:00 UTC.
    static let noon = Date(timeIntervalSince1970: 1_796_126_400)

    /// `hosts` NVRs with `channels` consecutive channel IDs each.
    static func district(hosts: Int, channels: Int, faulty: Set<String> = []) -> [PatrolTarget] {
        (0..<hosts).flatMap { host in
            (0..<channels).map { channel in
                let camera = String(format: "3301990000132%07d", host * channels + channel)
                return PatrolTarget(
                    camera: camera, host: "10.0.0.\(host)", gridPath: ["G\(host % 3)", "D"],
                    hasOpenFault: faulty.contains(camera))
            }
        }
    }

    /// One started visit, as the replay saw it.
    struct Visit {
        var camera: String
        var host: String
        var start: Date
        var end: Date
        var round: Int
    }

    /// Replays `duration` seconds of patrol: every visit takes 2–4 s (a fixed pseudo-random draw per visit), the
    /// planner is asked at every visit's end and whenever it said something falls due. Checks the limits throughout.
    static func replay(
        _ planner: inout PatrolPlanner, from start: Date, for duration: TimeInterval
    ) -> [Visit] {
        var visits: [Visit] = []
        var running: [(end: Date, index: Int)] = []
        var now = start
        var draw: UInt64 = 42
        while now < start + duration {
            for target in planner.start(now: now) {
                draw = draw &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let end = now + 2 + Double(draw >> 62) * 0.75
                running.append((end, visits.count))
                visits.append(
                    Visit(camera: target.camera, host: target.host, start: now, end: end, round: planner.progress.round))
            }
            let perHost = Dictionary(grouping: running, by: { visits[$0.index].host }).mapValues(\.count)
            #expect(running.count <= planner.concurrency)
            #expect(perHost.values.allSatisfy { $0 <= planner.perHostLimit }, "\(perHost)")
            let nextEnd = running.map(\.end).min()
            // As the service does: at the next end or due time, and at least once a minute (quiet windows end).
            let next = [nextEnd, planner.nextDue(after: now), now + 60].compactMap { $0 }.min()!
            now = next
            for finished in running.filter({ $0.end <= now }) {
                planner.finish(camera: visits[finished.index].camera, at: finished.end)
            }
            running.removeAll { $0.end <= now }
        }
        return visits
    }

    @Test("every camera is visited once per round, oldest first, within the concurrency and per-host limits")
    func roundsAreFairAndBounded() {
        let cameras = Self.district(hosts: 10, channels: 30)
        var planner = PatrolPlanner(plan: .every(60, timeZone: Self.utc), concurrency: 8, perHostLimit: 2, now: Self.noon)
        planner.setTargets(cameras)
        let visits = Self.replay(&planner, from: Self.noon, for: 600)
        // 300 visits of about 3 s, 8 at a time: a round takes about two minutes, so rounds follow each other.
        #expect(planner.progress.round >= 4, "\(planner.progress)")
        for round in 1..<planner.progress.round {
            #expect(Set(visits.filter { $0.round == round }.map(\.camera)).count == cameras.count, "round \(round)")
        }
        // No camera gets a second visit ahead of another's: at every start, visit counts differ by one at most. (A
        // camera may go again before one whose NVR is at its limit, so strict turns are not the rule.)
        var counts = Dictionary(uniqueKeysWithValues: cameras.map { ($0.camera, 0) })
        var spread = 0
        for visit in visits {
            counts[visit.camera, default: 0] += 1
            spread = max(spread, counts.values.max()! - counts.values.min()!)
        }
        #expect(spread <= 1, "a camera was visited twice more than another")
    }

    @Test("the channels of one NVR spread over the round instead of arriving together")
    func nvrChannelsAreSpread() {
        var planner = PatrolPlanner(plan: .every(900, timeZone: Self.utc), concurrency: 30, perHostLimit: 30, now: Self.noon)
        planner.setTargets(Self.district(hosts: 10, channels: 30))
        let first = planner.start(now: Self.noon)
        #expect(first.count == 30)
        // In ID order the first 30 would all be the first NVR's.
        #expect(Set(first.map(\.host)).count >= 8, "\(Set(first.map(\.host)))")
        #expect(planner.start(now: Self.noon).isEmpty, "more than the concurrency started")
    }

    @Test("a camera with an open fault is visited first and again after the fault interval, not the round's")
    func faultsAreRevisited() {
        let cameras = Self.district(hosts: 2, channels: 5)
        let faulty = cameras[7].camera
        var planner = PatrolPlanner(plan: .every(900, timeZone: Self.utc), concurrency: 1, perHostLimit: 1, now: Self.noon)
        planner.setTargets(Self.district(hosts: 2, channels: 5, faulty: [faulty]))
        let visits = Self.replay(&planner, from: Self.noon, for: 1000)
        #expect(visits.first?.camera == faulty)
        let faultyStarts = visits.filter { $0.camera == faulty }.map { $0.start.timeIntervalSince(Self.noon) }
        #expect(faultyStarts.count == 4, "\(faultyStarts)")
        #expect(zip(faultyStarts, faultyStarts.dropFirst()).allSatisfy { abs($1 - $0 - 300) < 5 }, "\(faultyStarts)")
        #expect(visits.filter { $0.camera == cameras[0].camera }.count == 2, "a healthy camera: every 900 s")
    }

    @Test("cameras with open faults, re-visited as often as the round itself, do not starve the others")
    func faultsDoNotStarveTheRound() {
        let cameras = Self.district(hosts: 10, channels: 30)
        let faulty = Set(cameras.indices.filter { $0 % 3 == 0 }.map { cameras[$0].camera })
        // Every camera always due, faults re-visited at once: only the order decides who waits.
        var planner = PatrolPlanner(plan: .every(1, timeZone: Self.utc), concurrency: 8, perHostLimit: 2, now: Self.noon)
        planner.setTargets(Self.district(hosts: 10, channels: 30, faulty: faulty))
        let visits = Self.replay(&planner, from: Self.noon, for: 600)
        var counts: [String: Int] = [:]
        for visit in visits { counts[visit.camera, default: 0] += 1 }
        #expect(counts.count == cameras.count, "\(cameras.count - counts.count) cameras never visited")
        #expect(
            counts.values.max()! - counts.values.min()! <= 1,
            "visits per camera from \(counts.values.min()!) to \(counts.values.max()!)")
    }

    @Test("run now: a grid's cameras are due at once and go first, even in a quiet window, and count in the round")
    func runNow() {
        var cameras = Self.district(hosts: 2, channels: 5)
        for index in cameras.indices { cameras[index].gridPath = index < 3 ? ["G", "G1"] : ["H"] }
        let quietAll = PatrolPlan(
            periods: [.init(startMinute: 0, interval: 900)],
            quietWindows: [.init(grids: nil, startMinute: 0, endMinute: 1440)],
            timeZone: Self.utc)
        var planner = PatrolPlanner(plan: .every(900, timeZone: Self.utc), concurrency: 10, perHostLimit: 10, now: Self.noon)
        planner.setTargets(cameras)
        for target in planner.start(now: Self.noon) { planner.finish(camera: target.camera, at: Self.noon + 3) }
        #expect(planner.progress.round == 2)
        planner.plan = quietAll
        #expect(planner.start(now: Self.noon + 10).isEmpty, "nothing is due, and everything is quiet")
        #expect(planner.visitNow(grid: "G") == 3)
        let started = planner.start(now: Self.noon + 10)
        #expect(Set(started.map(\.camera)) == Set(cameras.prefix(3).map(\.camera)))
        for target in started { planner.finish(camera: target.camera, at: Self.noon + 13) }
        #expect(planner.start(now: Self.noon + 20).isEmpty, "a request is served once")
        // Awake again, and every camera asked for: their visits are the round's, which they complete.
        planner.plan = .every(900, timeZone: Self.utc)
        #expect(planner.visitNow(grid: nil) == cameras.count)
        let all = planner.start(now: Self.noon + 30)
        #expect(all.count == cameras.count && planner.progress.round == 2)
        for target in all { planner.finish(camera: target.camera, at: Self.noon + 33) }
        #expect(planner.progress.round == 3)
    }

    @Test("a host's recorded cameras take from its per-host limit, down to one visit at a time, never none")
    func recordedSessionsTakeFromTheLimit() {
        let cameras = Self.district(hosts: 3, channels: 10)
        let hosts = Array(Set(cameras.map(\.host))).sorted()
        var planner = PatrolPlanner(plan: .every(900, timeZone: Self.utc), concurrency: 30, perHostLimit: 4, now: Self.noon)
        planner.setTargets(cameras)
        planner.setBusyHosts([hosts[0]: 3, hosts[1]: 10])
        let started = Dictionary(grouping: planner.start(now: Self.noon), by: \.host).mapValues(\.count)
        #expect(started == [hosts[0]: 1, hosts[1]: 1, hosts[2]: 4], "\(started)")
    }

    @Test("a fault opened after the last visit brings the camera back at the fault interval, before the others")
    func faultOpenedLater() {
        let cameras = Self.district(hosts: 1, channels: 4)
        var planner = PatrolPlanner(plan: .every(900, timeZone: Self.utc), concurrency: 4, perHostLimit: 4, now: Self.noon)
        planner.setTargets(cameras)
        for target in planner.start(now: Self.noon) { planner.finish(camera: target.camera, at: Self.noon + 3) }
        planner.setOpenFaults([cameras[2].camera])
        #expect(planner.nextDue(after: Self.noon + 10) == Self.noon + 300)
        #expect(planner.start(now: Self.noon + 300).map(\.camera) == [cameras[2].camera])
        planner.setOpenFaults([])
        #expect(planner.nextDue(after: Self.noon + 310) == Self.noon + 900)
    }

    @Test("the interval follows the time of day, and a quiet grid is not visited nor waited for")
    func plansByTimeOfDay() {
        var plan = PatrolPlan.standard(timeZone: Self.utc)
        plan.quietWindows = [PatrolPlan.QuietWindow(grids: ["G1"], startMinute: 23 * 60, endMinute: 5 * 60)]
        #expect(plan.interval(at: Self.noon) == 900)
        #expect(plan.interval(at: Self.noon + 11 * 3600) == 3600)
        #expect(plan.interval(at: Self.noon + 16 * 3600) == 3600, "04:00 is still night")
        #expect(plan.isQuiet(gridPath: ["G1", "D"], at: Self.noon + 13 * 3600))
        #expect(!plan.isQuiet(gridPath: ["G2", "D"], at: Self.noon + 13 * 3600))
        #expect(!plan.isQuiet(gridPath: ["G1", "D"], at: Self.noon + 17 * 3600), "05:00 ends the window")

        let cameras = Self.district(hosts: 6, channels: 5)
        let midnight = Self.noon + 12 * 3600
        var planner = PatrolPlanner(plan: plan, concurrency: 4, perHostLimit: 2, now: midnight)
        planner.setTargets(cameras)
        let visits = Self.replay(&planner, from: midnight, for: 3 * 3600)
        let quiet = Set(cameras.filter { $0.gridPath.first == "G1" }.map(\.camera))
        #expect(!quiet.isEmpty && visits.allSatisfy { !quiet.contains($0.camera) })
        let others = visits.filter { !quiet.contains($0.camera) }
        // Night: hourly, so three rounds in three hours, each complete without the quiet grid.
        #expect(others.count == 3 * (cameras.count - quiet.count), "\(others.count)")
        #expect(planner.progress.round == 4)
    }

    @Test("a camera that leaves patrol leaves the round; one that returns keeps its last visit")
    func targetsChange() {
        let cameras = Self.district(hosts: 1, channels: 3)
        var planner = PatrolPlanner(plan: .every(60, timeZone: Self.utc), concurrency: 3, perHostLimit: 3, now: Self.noon)
        planner.setTargets(cameras)
        #expect(planner.start(now: Self.noon).count == 3)
        planner.setTargets(Array(cameras.prefix(2)))
        planner.finish(camera: cameras[2].camera, at: Self.noon + 2)
        planner.finish(camera: cameras[0].camera, at: Self.noon + 2)
        #expect(planner.progress.visited == 1 && planner.progress.running == 1)
        planner.finish(camera: cameras[1].camera, at: Self.noon + 3)
        #expect(planner.progress.round == 2, "the round waited for a camera that left patrol")
        planner.setTargets(cameras)
        #expect(planner.start(now: Self.noon + 30).isEmpty, "a returning camera lost its last visit")
        #expect(planner.nextDue(after: Self.noon + 30) == Self.noon + 60)
        #expect(planner.nextDue(after: Self.noon + 60) == nil, "due now is not a time to wake up for")
        #expect(planner.start(now: Self.noon + 60).count == 3)
    }
}
