import Foundation
import TestSupport
import Testing

/// The fleet's central store as `tools/fleet-local` starts it from Debian's packages (etcd, Patroni, PostgreSQL 15,
/// HAProxy): a killed primary is replaced, gateways carry on through HAProxy without a grid moving, and no
/// acknowledged write is lost. How long writes stop is measured by the same script in BENCHMARKS.md.
@Suite("Fleet: the central store on loopback")
struct FleetLocalTests {
    static let fleetLocal = MediaCorpus.packageRoot.appendingPathComponent("tools/fleet-local").path

    @Test(
        "kill -9 of the primary: gateways renew again through HAProxy, no grid moves; a client's acknowledged rows all survive"
    )
    func primaryKilled() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID().uuidString)").path
        defer {
            _ = try? ProcessRunner.run(Self.fleetLocal, ["stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
        }
        let started = try ProcessRunner.run(Self.fleetLocal, ["start", directory, "--port-base", "25500"])
        try #require(started.status == 0, "\(started.standardOutput)\n\(started.standardError)")
        let url = try ProcessRunner.run(Self.fleetLocal, ["url", directory]).standardOutput
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try gatewaysAcrossFailover(central: url, directory: directory)

        // The killed member back, then two more kills with a client writing through HAProxy.
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

    /// Two gateways with 15 s leases on the Patroni fleet: the primary killed; their leases renewed again once a
    /// replica took over, every grid with the owner it had, no gateway expired.
    private func gatewaysAcrossFailover(central url: String, directory: String) throws {
        let rig = try LiveFleetTests.Rig(central: url)
        defer { rig.cleanUp() }
        let lease = 15.0
        for name in ["g1", "g2"] {
            rig.gateways[name] = try GatewayProcess(
                dataDirectory: "\(rig.directory)/\(name)",
                arguments: ["--central", url, "--fleet-name", name, "--failover-group", "east", "--lease-seconds", "\(lease)"])
        }
        #expect(try LiveServiceTests.eventually(60) { try rig.owners().count == rig.grids.count })
        Thread.sleep(forTimeInterval: 3)
        let before = try rig.owners()
        let killedAt = try #require(Double(try rig.query("SELECT extract(epoch FROM now())").first ?? ""))
        let clock = Date()
        let killed = try ProcessRunner.run(Self.fleetLocal, ["kill-primary", directory])
        try #require(killed.status == 0, "\(killed.standardError)")
        // Renewed after the kill: every lease now ends later than a renewal just before the kill could make it.
        let renewed = try LiveServiceTests.eventually(90) {
            let leases = (try? rig.query("SELECT extract(epoch FROM min(lease_expires_at)) FROM fleet_gateway")) ?? []
            return (leases.first.flatMap(Double.init) ?? 0) > killedAt + lease + 1
        }
        let seconds = Date().timeIntervalSince(clock)
        print("fleet: gateways' leases renewed \(String(format: "%.1f", seconds)) s after the primary was killed")
        // How long is measured, not asserted (a loaded CI took 32 s where this machine takes 21): FLEET.md's target
        // is Patroni's ttl + loop_wait (22 s) for writes, which `tools/bench/fleet-failover` measures, plus here a
        // renewal's period (a third of the lease) and a pass. What must hold is that they renew, and that nothing
        // moved.
        #expect(renewed, "no renewal within 90 s of the kill")
        Thread.sleep(forTimeInterval: 3)
        #expect(try rig.owners() == before, "a grid moved because the centre failed over")
        #expect(try rig.query("SELECT count(*) FROM grid_assignment_history WHERE reason = 'lease_expired'") == ["0"])
        #expect(try rig.query("SELECT count(*) FROM fleet_gateway WHERE state <> 'live'") == ["0"])
        #expect(try rig.overlaps() == ["0"])
    }
}
