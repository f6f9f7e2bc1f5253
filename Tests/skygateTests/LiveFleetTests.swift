import Archive
import Events
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 18: gateways in fleet mode over a real PostgreSQL on loopback, cameras from the real RTSP simulator. A gateway
/// killed with SIGKILL loses its grids to the others within its lease (plus a pass), and they record its cameras again;
/// the central history never shows two owners of a grid at once.
@Suite("Fleet: gateways over loopback", .serialized)
struct LiveFleetTests {
    static let lease = 6.0

    /// A fleet on loopback: a PostgreSQL centre (a server of its own, or `central`), nine simulated cameras of the demo
    /// district, and gateways g1…g3 with the registry each in its own data directory, its grids published to the centre.
    final class Rig {
        let server: PostgresServer?
        let centralURL: String
        let simulator: CameraSimulator
        let directory: String
        let grids: [String]
        /// Each camera's finest grid, as the registry links it.
        let cameraGrid: [String: String]
        var gateways: [String: GatewayProcess] = [:]

        init(central: String? = nil) throws {
            server = try central == nil ? PostgresServer() : nil
            centralURL = central ?? server!.url
            let ids = (1...9).map { String(format: "330199000013200000%02d", $0) }
            simulator = try CameraSimulator(cameras: ids)
            let (directory, cameras) = try LiveEventTests.demoRegistry(cameras: ids.count, simulator: simulator)
            self.directory = directory
            for name in ["g1", "g2", "g3"] {
                let result = try SkygateBinary.run(
                    ["registry", "import", directory + "/registry", "--data-dir", "\(directory)/\(name)"])
                guard result.status == 0 else { throw TestSupportError("import: \(result.standardError)") }
            }
            let published = try SkygateBinary.run(
                ["fleet", "publish-grids", "--group", "east", "--central", centralURL, "--data-dir", "\(directory)/g1"])
            guard published.status == 0 else { throw TestSupportError("publish-grids: \(published.standardError)") }
            grids = try Self.query(centralURL, "SELECT grid_id FROM fleet_grid ORDER BY grid_id")
            cameraGrid = try Dictionary(
                uniqueKeysWithValues: cameras.map { camera in
                    let shown = try SkygateBinary.run(["camera", "show", camera, "--json", "--data-dir", "\(directory)/g1"])
                    let object = try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any]
                    let path = (object?["gridPath"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
                    return (camera, path.last ?? "")
                })
        }

        /// Starts (or starts again) gateway `name` in the fleet; outages are events after 5 s (not 30).
        func start(_ name: String) throws {
            let detectors = try LiveEventTests.detectorFile("\(directory)/\(name)", #", "offlineAfter": 5"#)
            gateways[name] = try GatewayProcess(
                dataDirectory: "\(directory)/\(name)",
                arguments: [
                    "--central", centralURL, "--fleet-name", name, "--failover-group", "east", "--lease-seconds",
                    String(LiveFleetTests.lease), "--detectors", detectors,
                ])
        }

        /// Runs SQL on the centre with psql (not Skygate's code); rows as lines, columns separated by `|`.
        static func query(_ url: String, _ sql: String) throws -> [String] {
            let result = try ProcessRunner.run("/usr/bin/psql", [url, "-tAqc", sql], environment: ["PATH": "/usr/bin:/bin"])
            guard result.status == 0 else { throw TestSupportError("psql failed: \(result.standardError)") }
            return result.standardOutput.split(separator: "\n").map(String.init)
        }

        func query(_ sql: String) throws -> [String] { try Self.query(centralURL, sql) }

        /// Each grid's current owner, from the centre.
        func owners() throws -> [String: String] {
            Dictionary(
                uniqueKeysWithValues: try query("SELECT grid_id, gateway FROM grid_assignment").map {
                    let parts = $0.split(separator: "|").map(String.init)
                    return (parts[0], parts[1])
                })
        }

        /// The gateway owning the most grids, and its grids.
        func busiest() throws -> (String, Set<String>) {
            let owners = try owners()
            let gateway = Dictionary(grouping: owners, by: \.value).max { $0.value.count < $1.value.count }!.key
            return (gateway, Set(owners.filter { $0.value == gateway }.map(\.key)))
        }

        /// Grids that ever had two owners at once, by PostgreSQL's range operator over the history (0: none).
        func overlaps() throws -> [String] {
            try query(
                """
                SELECT count(*) FROM grid_assignment_history a JOIN grid_assignment_history b
                ON a.grid_id = b.grid_id AND a.id < b.id
                AND tstzrange(a.from_time, coalesce(a.to_time, 'infinity')) && tstzrange(b.from_time, coalesce(b.to_time, 'infinity'))
                """)
        }

        func cleanUp() {
            for gateway in gateways.values { _ = gateway.stop() }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test("kill -9 of a gateway, twice: its grids reassigned within lease + 3 s, its cameras recorded again within lease + 10 s")
    func killedGateway() throws {
        let rig = try Rig()
        defer { rig.cleanUp() }
        #expect(rig.grids.count >= 3, "the nine cameras lie in \(rig.grids.count) grids")
        for name in ["g1", "g2", "g3"] { try rig.start(name) }
        #expect(try LiveServiceTests.eventually(40) { try rig.owners().count == rig.grids.count })

        var reassigned: [Double] = []
        var recording: [Double] = []
        for round in 1...2 {
            // Steady: every grid owned, and its owner recording its cameras.
            Thread.sleep(forTimeInterval: Self.lease + 4)
            if round == 1 {
                // Each gateway's status says which grids it records; the rest of the cameras are recorded elsewhere.
                // (A grid handed back stays with its giver for the hand-over's 10 s.)
                let owners = try rig.owners()
                for (name, gateway) in rig.gateways {
                    let mine = Set(owners.filter { $0.value == name }.map(\.key))
                    #expect(
                        try LiveServiceTests.eventually(20) {
                            Set(try LiveServiceTests.status(gateway).details?.sharedGrids ?? []) == mine
                        }, "\(name)")
                }
            }
            let (victim, moved) = try rig.busiest()
            let killedAt = Date()
            kill(rig.gateways[victim]!.processID, SIGKILL)
            let dbKilledAt = try #require(Double(try rig.query("SELECT extract(epoch FROM now())").first ?? ""))
            // Its grids get new owners: the history's spans that begin after the kill.
            #expect(
                try LiveServiceTests.eventually(Self.lease + 10) {
                    try rig.owners().filter { moved.contains($0.key) }.allSatisfy { $0.value != victim }
                })
            let starts = try rig.query(
                """
                SELECT grid_id, extract(epoch FROM from_time) FROM grid_assignment_history
                WHERE reason = 'lease_expired' AND from_time > to_timestamp(\(dbKilledAt))
                """
            ).map { $0.split(separator: "|").map(String.init) }
            #expect(Set(starts.map { $0[0] }) == moved, "round \(round): \(starts)")
            reassigned += starts.compactMap { Double($0[1]).map { $0 - dbKilledAt } }
            // Its cameras are recorded again by their grids' new owners.
            let newOwners = try rig.owners()
            for (camera, grid) in rig.cameraGrid where moved.contains(grid) {
                let owner = try #require(newOwners[grid])
                let index = RecordingIndex(store: try ArchiveDatabase(path: "\(rig.directory)/\(owner)/archive.sqlite"))
                let resumed = LiveServiceTests.eventually(Self.lease + 20) {
                    (try? index.keyframes(camera: camera, from: killedAt, limit: 1).isEmpty == false) ?? false
                }
                #expect(resumed, "round \(round): \(camera) of \(grid) not recorded by \(owner)")
                if let first = try index.keyframes(camera: camera, from: killedAt, limit: 1).first {
                    recording.append(first.wallClock.timeIntervalSince(killedAt))
                }
            }
            // The killed gateway returns and is given grids back.
            try rig.start(victim)
        }
        #expect(try rig.overlaps() == ["0"], "two owners of a grid at once")
        let (sortedReassigned, sortedRecording) = (reassigned.sorted(), recording.sorted())
        print(
            "fleet kill -9: reassigned after \(sortedReassigned.map { String(format: "%.2f", $0) }) s, recording again after "
                + "\(sortedRecording.map { String(format: "%.2f", $0) }) s (lease \(Self.lease) s)")
        #expect(sortedReassigned.allSatisfy { $0 <= Self.lease + 3 }, "\(sortedReassigned)")
        #expect(sortedRecording.allSatisfy { $0 <= Self.lease + 10 }, "\(sortedRecording)")
    }

    @Test(
        "SIGSTOP past the lease: its grids move; after SIGCONT it stops their cameras at once, then gets grids back one at a time"
    )
    func stoppedGateway() throws {
        let rig = try Rig()
        defer { rig.cleanUp() }
        for name in ["g1", "g2", "g3"] { try rig.start(name) }
        #expect(try LiveServiceTests.eventually(40) { try rig.owners().count == rig.grids.count })
        Thread.sleep(forTimeInterval: Self.lease + 4)
        let (victim, moved) = try rig.busiest()
        let gateway = try #require(rig.gateways[victim])
        let movedCameras = Set(rig.cameraGrid.filter { moved.contains($0.value) }.map(\.key))
        #expect(Set(try LiveServiceTests.status(gateway).cameras.map(\.camera)).isSuperset(of: movedCameras))
        kill(gateway.processID, SIGSTOP)
        #expect(
            try LiveServiceTests.eventually(Self.lease + 10) {
                try rig.owners().filter { moved.contains($0.key) }.allSatisfy { $0.value != victim }
            })
        Thread.sleep(forTimeInterval: 2)
        kill(gateway.processID, SIGCONT)
        let resumedAt = Date()
        // Its next pass finds its lease gone: it stops every camera of the grids that moved (its status, published
        // every second, shows none of them), before any grid comes back (a returning gateway waits a lease).
        #expect(
            try LiveServiceTests.eventually(4) {
                Set(try LiveServiceTests.status(gateway).cameras.map(\.camera)).isDisjoint(with: movedCameras)
            }, "still running after \(Date().timeIntervalSince(resumedAt)) s")
        #expect(try rig.owners().filter { $0.value == victim }.isEmpty)
        // Then grids come back, one per pass, to balance the group.
        #expect(try LiveServiceTests.eventually(Self.lease + 10) { try rig.owners().contains { $0.value == victim } })
        let handedBack = try rig.query(
            "SELECT count(*) FROM grid_assignment_history WHERE reason = 'balance' AND gateway = '\(victim)'")
        #expect(handedBack != ["0"])
        #expect(try rig.overlaps() == ["0"], "two owners of a grid at once")
    }

    @Test("events go up to the centre through the outbox, each once, across an outage of the centre; no grid moves for it")
    func eventsToCentre() throws {
        let rig = try Rig()
        defer { rig.cleanUp() }
        for name in ["g1", "g2"] { try rig.start(name) }
        #expect(try LiveServiceTests.eventually(40) { try rig.owners().count == rig.grids.count })
        Thread.sleep(forTimeInterval: 4)
        let (first, second) = (rig.cameraGrid.keys.sorted()[0], rig.cameraGrid.keys.sorted()[1])
        // A camera goes offline (refused, then dropped) and comes back while the centre is up …
        for fault in ["refuse/404", "drop"] { try rig.simulator.fault(first, fault) }
        Thread.sleep(forTimeInterval: 15)
        try rig.simulator.fault(first, "accept")
        // … another while the centre is down (its events wait in the outbox).
        let server = try #require(rig.server)
        try server.kill()
        for fault in ["refuse/404", "drop"] { try rig.simulator.fault(second, fault) }
        Thread.sleep(forTimeInterval: 15)
        try rig.simulator.fault(second, "accept")
        Thread.sleep(forTimeInterval: 10)
        try server.start()
        func edgeEvents() throws -> [Event] {
            try ["g1", "g2"].flatMap { name in
                try EventStore(path: "\(rig.directory)/\(name)/events.sqlite").events(EventQuery(limit: Int.max))
            }
        }
        func centralEvents() throws -> [String: String] {
            Dictionary(
                uniqueKeysWithValues: try rig.query("SELECT event_id, state FROM fleet_event").map {
                    let parts = $0.split(separator: "|").map(String.init)
                    return (parts[0], parts[1])
                })
        }
        let synced = try LiveServiceTests.eventually(90) {
            let edge = try edgeEvents()
            let centre = (try? centralEvents()) ?? [:]
            return !edge.isEmpty && Dictionary(uniqueKeysWithValues: edge.map { ($0.id, $0.state.rawValue) }) == centre
        }
        let edge = try edgeEvents()
        let centre = try centralEvents()
        #expect(
            synced, "edge \(edge.map { "\($0.device) \($0.kind.rawValue) \($0.state.rawValue)" }), centre \(centre)")
        #expect(Set(edge.map(\.device)).isSuperset(of: [first, second]), "\(edge.map { "\($0.device) \($0.kind.rawValue)" })")
        // Each transition once: no event's phase twice, and each change names the gateway that owns its grid.
        #expect(
            try rig.query(
                "SELECT count(*) FROM (SELECT event_id, phase FROM fleet_event_change GROUP BY 1, 2 HAVING count(*) > 1) d") == [
                    "0"
                ])
        #expect(try rig.query("SELECT count(*) FROM fleet_event_change WHERE epoch IS NULL") == ["0"])
        #expect(try rig.query("SELECT count(*) FROM grid_assignment_history WHERE reason = 'lease_expired'") == ["0"])
    }
}
