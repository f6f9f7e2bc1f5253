import Foundation
import TestSupport
import Testing

/// The fleet's central store as `tools/fleet-local` starts it from Debian's packages (etcd, Patroni, PostgreSQL 15,
/// HAProxy): a killed primary is replaced and no acknowledged write is lost. How long writes stop is measured by the
/// same script in BENCHMARKS.md, not asserted here.
@Suite("Fleet: the central store on loopback")
struct FleetLocalTests {
    @Test("kill -9 of the primary: a replica takes over behind HAProxy and every acknowledged row is still there")
    func primaryKilled() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = MediaCorpus.packageRoot.appendingPathComponent("tools/bench/fleet-failover").path
        let result = try ProcessRunner.run(script, ["--rounds", "2", "--dir", directory, "--port-base", "25500"])
        #expect(result.status == 0, "\(result.standardOutput)\n\(result.standardError)")
        let rounds = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("round ") }
        #expect(rounds.count == 2, "\(result.standardOutput)")
        // Each time the primary of the moment was killed, with writes acknowledged before the kill, and none lost.
        for round in rounds {
            #expect(round.contains(", 0 lost"), "\(round)")
            let acknowledged = round.firstMatch(of: /(\d+) acknowledged/).flatMap { Int($0.1) } ?? 0
            #expect(acknowledged >= 20, "\(round)")
        }
    }
}
