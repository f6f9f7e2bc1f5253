import Fleet
import Foundation
import Synchronization
import TestSupport
import Testing

/// Issue 18: the central store on a real PostgreSQL (Debian's, on loopback): leases on the database's clock, grids
/// moved off expired gateways, storm guards, hand-back, fencing, and a history that never shows two owners at once.
@Suite("Fleet: the central store", .serialized)
struct CentralStoreTests {
    /// Leases of 2 s, so expiry is seen in seconds.
    static let lease = 2.0

    /// Overlapping owner spans of any grid, as PostgreSQL's own range operator finds them (psql, not the store's
    /// code): zero when no grid ever had two owners at once.
    static func overlaps(_ server: PostgresServer) throws -> Int {
        Int(
            try server.query(
                """
                SELECT count(*) FROM grid_assignment_history a JOIN grid_assignment_history b
                ON a.grid_id = b.grid_id AND a.id < b.id
                AND tstzrange(a.from_time, coalesce(a.to_time, 'infinity')) && tstzrange(b.from_time, coalesce(b.to_time, 'infinity'))
                """
            ).first ?? "") ?? -1
    }

    /// Renews `live` and runs a maintenance pass every 0.25 s for `seconds`; the passes' reports.
    static func keepAlive(_ store: CentralStore, _ live: [String], for seconds: Double) throws -> [MaintenanceReport] {
        var reports: [MaintenanceReport] = []
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            for gateway in live { _ = try store.renew(name: gateway) }
            reports.append(try store.maintain())
            Thread.sleep(forTimeInterval: 0.25)
        }
        return reports
    }

    static func owners(_ store: CentralStore) throws -> [String: Int] {
        try store.assignments().reduce(into: [:]) { $0[$1.gateway, default: 0] += 1 }
    }

    @Test("two stores migrate one schema together; a bad URL, name or capacity is refused with the reason")
    func schema() throws {
        let server = try PostgresServer()
        let results = Mutex<[Result<Int, any Error>]>([])
        let url = server.url
        let threads = (0..<2).map { _ in
            Thread {
                let result = Result { try CentralStore(url: url).schemaVersion() }
                results.withLock { $0.append(result) }
            }
        }
        threads.forEach { $0.start() }
        while results.withLock({ $0.count }) < 2 { Thread.sleep(forTimeInterval: 0.05) }
        // Both at the newest version (2: gateways and grids, then events), each version applied once.
        #expect(results.withLock { $0.map { try? $0.get() } } == [2, 2])
        #expect(try server.query("SELECT count(*) FROM skygate_central_schema") == ["2"])
        #expect(throws: FleetError.self) { try CentralStore(url: "http://127.0.0.1/x") }
        let unreachable = #expect(throws: FleetError.self) {
            try CentralStore(url: "postgres://skygate:skygate@127.0.0.1:\(try SilentListener().port)/skygate")
        }
        #expect(unreachable?.code == .unavailable)
        let store = try CentralStore(url: server.url)
        let badName = #expect(throws: FleetError.self) {
            try store.register(name: "a b", failoverGroup: "g", capacity: 10, address: nil)
        }
        #expect(badName?.message.contains("gateway name") == true)
        #expect(throws: FleetError.self) { try store.register(name: "a", failoverGroup: "g", capacity: 0, address: nil) }
    }

    @Test(
        "a gateway that stops renewing expires after its lease by the database's clock; its grids go to the least loaded live gateways of its group, with new epochs; its old epoch is refused"
    )
    func expiry() throws {
        let server = try PostgresServer()
        let store = try CentralStore(url: server.url, leaseSeconds: Self.lease)
        for name in ["a", "b", "c"] { try store.register(name: name, failoverGroup: "east", capacity: 100, address: nil) }
        try store.register(name: "d", failoverGroup: "west", capacity: 100, address: nil)
        try store.putGrids((1...6).map { FleetGrid(id: "E\($0)", failoverGroup: "east", cameras: 10) })
        try store.putGrids([FleetGrid(id: "W1", failoverGroup: "west", cameras: 10)])
        // The first lease after the schema was made is a grace period (the centre "resumed"); then every grid is
        // given out, two per gateway of the east.
        let first = try Self.keepAlive(store, ["a", "b", "c", "d"], for: Self.lease + 1)
        #expect(first.first?.pause == .centreResumed)
        #expect(try Self.owners(store) == ["a": 2, "b": 2, "c": 2, "d": 1])
        let cGrids = try store.assignments(of: "c")
        #expect(cGrids.count == 2)

        // c stops renewing: expired once its lease has passed on the server's clock, not before.
        let stoppedAt = try store.now()
        var expiredAt: Date?
        var moves: [GridMove] = []
        while expiredAt == nil, Date().timeIntervalSince(stoppedAt) < 10 {
            for gateway in ["a", "b", "d"] { _ = try store.renew(name: gateway) }
            let report = try store.maintain()
            if report.expired == ["c"] {
                expiredAt = try store.now()
                moves = report.moves
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let waited = try #require(expiredAt).timeIntervalSince(stoppedAt)
        #expect(waited >= Self.lease - 0.3 && waited <= Self.lease + 1, "expired \(waited) s after the last renewal")
        #expect(Set(moves.map(\.grid)) == Set(cGrids.map(\.grid)))
        #expect(Set(moves.map(\.gateway)) == ["a", "b"], "one each: the least loaded")
        #expect(moves.allSatisfy { $0.reason == .leaseExpired && $0.epoch > cGrids.map(\.epoch).max()! })
        #expect(try Self.owners(store) == ["a": 3, "b": 3, "d": 1])
        #expect(try store.renew(name: "c") == false, "an expired lease is not renewed: the gateway must register again")
        #expect(try store.gateways().first { $0.name == "c" }?.state == .expired)

        // Fencing: c's epoch is refused for its old grid, the new owner's accepted.
        let stale = #expect(throws: FleetError.self) {
            try store.fence(grid: cGrids[0].grid, gateway: "c", epoch: cGrids[0].epoch)
        }
        #expect(stale?.code == .staleEpoch)
        let owner = try #require(try store.assignments().first { $0.grid == cGrids[0].grid })
        try store.fence(grid: owner.grid, gateway: owner.gateway, epoch: owner.epoch)

        // c returns: registered again, and once it has been live for a lease it gets grids back one per pass until
        // the group is even.
        try store.register(name: "c", failoverGroup: "east", capacity: 100, address: nil)
        let back = try Self.keepAlive(store, ["a", "b", "c", "d"], for: Self.lease + 2)
        let handed = back.map { $0.moves.filter { $0.reason == .balance } }.filter { !$0.isEmpty }
        #expect(handed.map(\.count) == [1, 1], "one grid at a time: \(handed)")
        #expect(try Self.owners(store) == ["a": 2, "b": 2, "c": 2, "d": 1])
        #expect(try Self.overlaps(server) == 0)
        // Each grid's spans follow one another: a span ends where the next begins.
        let spans = try store.history()
        for (_, grid) in Dictionary(grouping: spans, by: \.grid) {
            #expect(zip(grid, grid.dropFirst()).allSatisfy { $0.to == $1.from }, "\(grid)")
            #expect(grid.last?.to == nil)
        }
    }

    @Test("no expiry when many of a group lapse at once (an alarm instead) or after the centre was away for a lease")
    func stormGuards() throws {
        let server = try PostgresServer()
        let store = try CentralStore(url: server.url, leaseSeconds: Self.lease)
        let names = (1...5).map { "g\($0)" }
        for name in names { try store.register(name: name, failoverGroup: "north", capacity: 50, address: nil) }
        try store.putGrids((1...10).map { FleetGrid(id: "N\($0)", failoverGroup: "north", cameras: 5) })
        _ = try Self.keepAlive(store, names, for: Self.lease + 1)
        #expect(try Self.owners(store) == Dictionary(uniqueKeysWithValues: names.map { ($0, 2) }))

        // Two of five stop renewing together: 40 % of the group, over the 20 % a storm is: nobody expires.
        let reports = try Self.keepAlive(store, Array(names.prefix(3)), for: Self.lease + 1.5)
        #expect(reports.allSatisfy { $0.expired.isEmpty })
        #expect(reports.contains { $0.stormGroups == ["north"] })
        #expect(try store.alarms().contains { $0.group == "north" && $0.message.contains("2 of 5") })
        #expect(try Self.owners(store).count == 5)
        // An operator who knows they are gone allows it: with 50 %, both expire and their grids move.
        let allowed = try store.maintain(maximumExpiryShare: 0.5)
        #expect(Set(allowed.expired) == ["g4", "g5"] && allowed.moves.count == 4)

        // The centre away for longer than a lease (no pass, no renewal: an outage), then back: every lease has run out,
        // but the first lease after its return is for renewing, and nobody expires.
        Thread.sleep(forTimeInterval: Self.lease + 1)
        let resumed = try Self.keepAlive(store, Array(names.prefix(3)), for: Self.lease + 1)
        #expect(resumed.first?.pause == .centreResumed)
        #expect(resumed.allSatisfy { $0.expired.isEmpty }, "\(resumed.map(\.expired))")
        #expect(try store.gateways().filter { $0.state == .live }.map(\.name) == Array(names.prefix(3)))
        #expect(try Self.overlaps(server) == 0)
    }

    @Test("an operator assigns a grid and drains a gateway; both in the history with their reasons")
    func operators() throws {
        let server = try PostgresServer()
        let store = try CentralStore(url: server.url, leaseSeconds: Self.lease)
        for name in ["x", "y", "z"] { try store.register(name: name, failoverGroup: "south", capacity: 10, address: nil) }
        try store.putGrids((1...3).map { FleetGrid(id: "S\($0)", failoverGroup: "south", cameras: 1) })
        _ = try Self.keepAlive(store, ["x", "y", "z"], for: Self.lease + 1)
        let move = try store.assign(grid: "S1", to: "z")
        #expect(move.gateway == "z" && move.reason == .operator)
        let unknown = #expect(throws: FleetError.self) { try store.assign(grid: "S9", to: "z") }
        #expect(unknown?.code == .notFound)
        let drained = try store.drain("z")
        #expect(Set(drained.map(\.gateway)).isSubset(of: ["x", "y"]) && drained.allSatisfy { $0.reason == .drain })
        #expect(try store.assignments(of: "z").isEmpty)
        // A draining gateway keeps its lease and gets nothing back.
        let later = try Self.keepAlive(store, ["x", "y", "z"], for: Self.lease + 1)
        #expect(later.allSatisfy { $0.moves.allSatisfy { $0.gateway != "z" } })
        #expect(try store.gateways().first { $0.name == "z" }?.state == .draining)
        #expect(Set(try store.history(of: "S1").map(\.reason)).isSuperset(of: ["operator", "drain"]))
        #expect(try Self.overlaps(server) == 0)
    }
}
