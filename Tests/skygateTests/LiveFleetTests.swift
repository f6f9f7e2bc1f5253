import Archive
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

    /// Each grid's current owner, from the centre (psql).
    static func owners(_ server: PostgresServer) throws -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: try server.query("SELECT grid_id, gateway FROM grid_assignment").map {
                let parts = $0.split(separator: "|").map(String.init)
                return (parts[0], parts[1])
            })
    }

    @Test("kill -9 of a gateway, twice: its grids reassigned within lease + 3 s, its cameras recorded again within lease + 10 s")
    func killedGateway() throws {
        let server = try PostgresServer()
        let ids = (1...9).map { String(format: "330199000013200000%02d", $0) }
        let simulator = try CameraSimulator(cameras: ids)
        let (directory, cameras) = try LiveEventTests.demoRegistry(cameras: ids.count, simulator: simulator)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Three gateways, each with the registry in its own data directory.
        let names = ["g1", "g2", "g3"]
        for name in names {
            let result = try SkygateBinary.run([
                "registry", "import", directory + "/registry", "--data-dir", "\(directory)/\(name)",
            ])
            #expect(result.status == 0, "\(result.standardError)")
        }
        let published = try SkygateBinary.run(
            ["fleet", "publish-grids", "--group", "east", "--central", server.url, "--data-dir", "\(directory)/g1"])
        #expect(published.status == 0, "\(published.standardError)")
        let grids = try server.query("SELECT grid_id FROM fleet_grid ORDER BY grid_id")
        #expect(grids.count >= 3, "the nine cameras lie in \(grids.count) grids")
        // Each camera's finest grid, as the registry links it.
        let cameraGrid = try Dictionary(
            uniqueKeysWithValues: cameras.map { camera in
                let shown = try SkygateBinary.run(["camera", "show", camera, "--json", "--data-dir", "\(directory)/g1"])
                let object = try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any]
                let path = (object?["gridPath"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
                return (camera, path.last ?? "")
            })
        func start(_ name: String) throws -> GatewayProcess {
            try GatewayProcess(
                dataDirectory: "\(directory)/\(name)",
                arguments: [
                    "--central", server.url, "--fleet-name", name, "--failover-group", "east", "--lease-seconds",
                    String(Self.lease),
                ])
        }
        var gateways = try Dictionary(uniqueKeysWithValues: names.map { ($0, try start($0)) })
        defer { for gateway in gateways.values { _ = gateway.stop() } }
        #expect(try LiveServiceTests.eventually(40) { try Self.owners(server).count == grids.count })

        var reassigned: [Double] = []
        var recording: [Double] = []
        for round in 1...2 {
            // Steady: every grid owned, and its owner recording its cameras.
            Thread.sleep(forTimeInterval: Self.lease + 4)
            let owners = try Self.owners(server)
            let victim = Dictionary(grouping: owners, by: \.value).max { $0.value.count < $1.value.count }!.key
            let moved = Set(owners.filter { $0.value == victim }.map(\.key))
            let killedAt = Date()
            kill(gateways[victim]!.processID, SIGKILL)
            let dbKilledAt = try #require(Double(try server.query("SELECT extract(epoch FROM now())").first ?? ""))
            // Its grids get new owners: the history's spans that begin after the kill.
            #expect(
                try LiveServiceTests.eventually(Self.lease + 10) {
                    try Self.owners(server).filter { moved.contains($0.key) }.allSatisfy { $0.value != victim }
                })
            let starts = try server.query(
                "SELECT grid_id, extract(epoch FROM from_time) FROM grid_assignment_history WHERE reason = 'lease_expired' AND from_time > to_timestamp(\(dbKilledAt))"
            ).map { $0.split(separator: "|").map(String.init) }
            #expect(Set(starts.map { $0[0] }) == moved, "round \(round): \(starts)")
            reassigned += starts.compactMap { Double($0[1]).map { $0 - dbKilledAt } }
            // Its cameras are recorded again by their grids' new owners.
            let newOwners = try Self.owners(server)
            for (camera, grid) in cameraGrid where moved.contains(grid) {
                let owner = try #require(newOwners[grid])
                let index = RecordingIndex(store: try ArchiveDatabase(path: "\(directory)/\(owner)/archive.sqlite"))
                let resumed = LiveServiceTests.eventually(Self.lease + 20) {
                    (try? index.keyframes(camera: camera, from: killedAt, limit: 1).isEmpty == false) ?? false
                }
                #expect(resumed, "round \(round): \(camera) of \(grid) not recorded by \(owner)")
                if let first = try index.keyframes(camera: camera, from: killedAt, limit: 1).first {
                    recording.append(first.wallClock.timeIntervalSince(killedAt))
                }
            }
            // The killed gateway returns and is given grids back.
            gateways[victim] = try start(victim)
        }
        let overlaps = try server.query(
            """
            SELECT count(*) FROM grid_assignment_history a JOIN grid_assignment_history b
            ON a.grid_id = b.grid_id AND a.id < b.id
            AND tstzrange(a.from_time, coalesce(a.to_time, 'infinity')) && tstzrange(b.from_time, coalesce(b.to_time, 'infinity'))
            """)
        #expect(overlaps == ["0"], "two owners of a grid at once")
        let sortedReassigned = reassigned.sorted()
        let sortedRecording = recording.sorted()
        print(
            "fleet kill -9: reassigned after \(sortedReassigned.map { String(format: "%.2f", $0) }) s, recording again after "
                + "\(sortedRecording.map { String(format: "%.2f", $0) }) s (lease \(Self.lease) s)")
        #expect(sortedReassigned.allSatisfy { $0 <= Self.lease + 3 }, "\(sortedReassigned)")
        #expect(sortedRecording.allSatisfy { $0 <= Self.lease + 10 }, "\(sortedRecording)")
    }
}
