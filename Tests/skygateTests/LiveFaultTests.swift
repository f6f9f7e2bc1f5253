import Archive
import Foundation
import Ingest
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `skygate serve` while cameras misbehave: drops, long outages, stalls.
@Suite("Live service, faults")
struct LiveFaultTests {
    typealias Rig = LiveServiceTests.Rig

    @Test("connections dropped every 10 s for 2 minutes: quick reconnects; outage pairs only for long outages")
    func drops() throws {
        let cameras = ["d1", "d2"]
        let rig = try Rig(cameras: cameras)
        defer { rig.cleanUp() }
        // Reconnect waits capped at 4 s, so a long outage ends within about 4 s of the camera coming back.
        let gateway = try rig.serve(["--segment-seconds", "10", "--read-timeout", "3", "--max-backoff", "4"])
        #expect(try LiveServiceTests.eventually(30) { try cameras.allSatisfy { try !rig.index.keyframes(camera: $0).isEmpty } })

        // Short drops every 10 s; twice, a long outage: the camera refuses (404) for 8 s after dropping.
        let started = Date()
        let schedule: [(at: Double, long: Bool)] = [
            (10, false), (20, false), (30, false), (40, true), (60, false), (70, false), (80, false), (90, true),
            (110, false), (120, false), (130, false),
        ]
        var drops: [(at: Date, long: Bool)] = []
        for step in schedule {
            Thread.sleep(until: started.addingTimeInterval(step.at))
            for camera in cameras where step.long { try rig.simulator.fault(camera, "refuse/404") }
            let now = Date()
            for camera in cameras { try rig.simulator.fault(camera, "drop") }
            drops.append((now, step.long))
            if step.long {
                Thread.sleep(forTimeInterval: 8)
                for camera in cameras { try rig.simulator.fault(camera, "accept") }
            }
        }
        Thread.sleep(forTimeInterval: 10)
        #expect(gateway.stop() == 0)

        let threshold = 5.0
        for camera in cameras {
            let keyframes = try rig.index.keyframes(camera: camera)
            #expect(zip(keyframes, keyframes.dropFirst()).allSatisfy { $0.wallClock < $1.wallClock }, "index monotonic")
            for drop in drops where !drop.long {
                // Recording resumes within 2 s plus one GOP (1 s) of the drop.
                let next = keyframes.first { $0.wallClock > drop.at.addingTimeInterval(0.2) }
                let took = next.map { $0.wallClock.timeIntervalSince(drop.at) } ?? .infinity
                #expect(took <= 3, "\(camera): recording resumed \(took) s after the drop at \(drop.at)")
            }
            let history = try rig.health.transitions(camera: camera)
            let outages = Outage.find(in: history, threshold: threshold, now: Date())
            let long = drops.filter(\.long)
            #expect(outages.count == long.count, "\(camera): outages \(outages)")
            for (outage, drop) in zip(outages, long) {
                #expect(abs(outage.from.timeIntervalSince(drop.at)) < 1, "outage starts at the drop")
                #expect(outage.to != nil && outage.duration() >= 8 && outage.duration() < 8 + 10, "\(outage)")
            }
            // Every drop is a gap in the recording, with its reason.
            let gaps = try rig.index.gaps(camera: camera)
            #expect(gaps.count == drops.count, "\(camera): \(gaps.count) gaps for \(drops.count) drops")
            // Each reconnect starts the camera's timestamps at zero again: one reset per reconnect.
            let discontinuities = try rig.health.discontinuities(camera: camera)
            #expect(
                discontinuities.count == drops.count && discontinuities.allSatisfy { $0.kind == "reset" }, "\(discontinuities)")
        }
    }

    @Test("a stalled camera is marked stalled within the read timeout + 1 s; the others' keyframe rates hold within 5 %")
    func stall() throws {
        let cameras = ["s1", "s2", "s3", "s4"]
        // A keyframe every 10 frames (0.4 s), so a 20 s window counts about 50 and one keyframe is 2 %.
        let rig = try Rig(cameras: cameras, gop: 10)
        defer { rig.cleanUp() }
        let readTimeout = 3.0
        let gateway = try rig.serve(["--read-timeout", "\(readTimeout)"])
        #expect(
            try LiveServiceTests.eventually(30) {
                try LiveServiceTests.status(gateway).cameras.filter { $0.state == .streaming }.count == 4
            })
        Thread.sleep(forTimeInterval: 3)

        /// Keyframes recorded per second by each camera between two status publications, 20 s apart.
        func rates() throws -> [String: Double] {
            let before = try LiveServiceTests.status(gateway)
            Thread.sleep(forTimeInterval: 20)
            let after = try LiveServiceTests.status(gateway)
            let seconds = after.details!.updatedAt.timeIntervalSince(before.details!.updatedAt)
            var rates: [String: Double] = [:]
            for camera in after.cameras {
                let earlier = before.cameras.first { $0.camera == camera.camera }?.keyframes ?? 0
                rates[camera.camera] = Double(camera.keyframes - earlier) / seconds
            }
            return rates
        }
        let normal = try rates()
        let stalledAt = Date()
        try rig.simulator.fault("s1", "stall")
        let during = try rates()

        let stalled = try rig.health.transitions(camera: "s1").first { $0.state == "stalled" && $0.at > stalledAt }
        #expect(stalled != nil)
        if let stalled {
            let after = stalled.at.timeIntervalSince(stalledAt)
            #expect(after <= readTimeout + 1, "stalled reported \(after) s after the stall")
            #expect(stalled.reason == "noData")
        }
        for camera in ["s2", "s3", "s4"] {
            let change = abs(during[camera]! - normal[camera]!) / normal[camera]!
            #expect(change <= 0.05, "\(camera): \(normal[camera]!) keyframes/s before, \(during[camera]!) during the stall")
        }
        #expect(gateway.stop() == 0)
    }
}
