import Archive
import Foundation
import Ingest
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `skygate serve` over time: memory, descriptors and threads through repeated faults; a full disk.
@Suite("Live service, endurance")
struct LiveEnduranceTests {
    typealias Rig = LiveServiceTests.Rig

    /// Seconds the soak runs: 600 (the acceptance), or SKYGATE_SOAK_SECONDS for a quicker look.
    static let soakSeconds = Double(ProcessInfo.processInfo.environment["SKYGATE_SOAK_SECONDS"] ?? "") ?? 600

    @Test("16 cameras for 10 minutes with faults every minute: RSS growth < 10 MB, descriptors and threads back to baseline")
    func soak() throws {
        let cameras = (1...16).map { String(format: "k%02d", $0) }
        let rig = try Rig(cameras: cameras)
        defer { rig.cleanUp() }
        let gateway = try rig.serve(["--segment-seconds", "20", "--read-timeout", "3"])
        func allStreaming() throws -> Bool {
            try LiveServiceTests.status(gateway).cameras.filter { $0.state == .streaming }.count == cameras.count
        }
        #expect(try LiveServiceTests.eventually(60) { try allStreaming() })
        let started = Date()

        // Every minute, the first one included, four kinds of fault, each on a different group of four cameras (groups
        // rotate): a dropped connection, a restart (timestamps from zero), a stall (TCP open, no data), and a 10 s
        // outage (404). Every camera then reconnects.
        let kinds = [["drop"], ["restart"], ["stall"], ["refuse/404", "drop"]]
        func faultRound(_ round: Int) throws {
            for (kind, faults) in kinds.enumerated() {
                let group = (kind + round) % 4 * 4
                for camera in cameras[group..<(group + 4)] {
                    for fault in faults { try rig.simulator.fault(camera, fault) }
                }
            }
            Thread.sleep(forTimeInterval: 10)
            for camera in cameras {
                try rig.simulator.fault(camera, "resume")
                try rig.simulator.fault(camera, "accept")
            }
            #expect(try LiveServiceTests.eventually(40) { try allStreaming() }, "round \(round): not all cameras reconnected")
        }
        // Sampled three times, the fewest descriptors kept: a file open for a moment (a thumbnail written every 5 s
        // per camera, a segment rolled over) is not a leak (CI once caught one: 67 in one round, 66 in all others),
        // and a leak shows in every sample.
        func settled() -> (rss: Int, threads: Int, descriptors: Int) {
            (0..<3).map { _ in
                defer { Thread.sleep(forTimeInterval: 0.3) }
                return gateway.resources()
            }.min { $0.descriptors < $1.descriptors }!
        }
        func heap() -> String { "anonymous \(gateway.residentMemory().anonymous >> 10) KiB" }

        // The first minute has its fault round too, so the baseline holds what handling a fault needs at all. Measured
        // without it (four runs), RSS rose 5.5–10.4 MiB at the first round, nearly all of it heap, and stayed level
        // after.
        try faultRound(0)
        Thread.sleep(until: started.addingTimeInterval(60))
        let baseline = settled()
        print("soak baseline: \(heap())")
        var rounds: [(round: Int, rss: Int, threads: Int, descriptors: Int)] = []
        var round = 0
        while Date().timeIntervalSince(started) + 60 <= Self.soakSeconds {
            round += 1
            try faultRound(round)
            // The service holds what it held before the faults.
            Thread.sleep(forTimeInterval: 2)
            let now = settled()
            rounds.append((round, now.rss, now.threads, now.descriptors))
            print("soak round \(round): \(heap())")
            #expect(
                now.descriptors == baseline.descriptors,
                "round \(round): \(now.descriptors) descriptors, baseline \(baseline.descriptors)")
            // At most the baseline: an idle pool thread may retire (CI once saw 31 of 32), a leaked one would add.
            #expect(now.threads <= baseline.threads, "round \(round): \(now.threads) threads, baseline \(baseline.threads)")
            Thread.sleep(until: started.addingTimeInterval(60 + Double(round) * 60))
        }
        let end = gateway.resources()
        let growth = end.rss - baseline.rss
        print(
            "soak: baseline rss \(baseline.rss / 1024) KiB, threads \(baseline.threads), fds \(baseline.descriptors); rounds \(rounds); end rss \(end.rss / 1024) KiB"
        )
        #expect(growth < 10 << 20, "RSS grew \(growth / 1024) KiB after the first minute")
        // A fault round every minute after the first (which had its own).
        #expect(round >= Int(Self.soakSeconds / 60) - 2)
        #expect(baseline.threads > 16 && baseline.descriptors > 16)
        #expect(gateway.stop() == 0)
    }
}
