public import Foundation
internal import PostgresNIO

/// Grids and who owns them: the maintenance pass any gateway runs (expired leases, unowned grids, hand-back), an
/// operator's assignment and drain, fencing, and the history that shows a grid never had two owners at once.
///
/// A grid weighs its cameras (at least 1), and goes to the live gateway of its failover group with the least weight
/// per capacity. Every change of owner takes a new epoch from one sequence, closes the old owner's span and opens the
/// new one at the same database instant.
extension CentralStore {
    /// Adds grids, or updates their failover group and cameras.
    public func putGrids(_ grids: [FleetGrid]) throws {
        try transaction {
            for grid in grids {
                try execute(
                    """
                    INSERT INTO fleet_grid (grid_id, failover_group, cameras) VALUES (\(grid.id), \(grid.failoverGroup), \(grid.cameras))
                    ON CONFLICT (grid_id) DO UPDATE SET failover_group = excluded.failover_group, cameras = excluded.cameras
                    """)
            }
        }
    }

    /// The grids a gateway owns (every grid's owner, with nil), by grid.
    public func assignments(of gateway: String? = nil) throws -> [GridAssignment] {
        try query(
            """
            SELECT grid_id, gateway, epoch, assigned_at FROM grid_assignment
            WHERE \(gateway)::text IS NULL OR gateway = \(gateway) ORDER BY grid_id
            """
        ).rows.map { row in
            let (grid, owner, epoch, at) = try row.decode((String, String, Int64, Date).self)
            return GridAssignment(grid: grid, gateway: owner, epoch: epoch, assignedAt: at)
        }
    }

    /// Every owner a grid had (every grid's, with nil), oldest first.
    public func history(of grid: String? = nil) throws -> [AssignmentSpan] {
        try query(
            """
            SELECT grid_id, gateway, epoch, from_time, to_time, reason FROM grid_assignment_history
            WHERE \(grid)::text IS NULL OR grid_id = \(grid) ORDER BY grid_id, from_time, id
            """
        ).rows.map { row in
            let (grid, gateway, epoch, from, to, reason) = try row.decode((String, String, Int64, Date, Date?, String).self)
            return AssignmentSpan(grid: grid, gateway: gateway, epoch: epoch, from: from, to: to, reason: reason)
        }
    }

    /// The fleet's alarms (a storm of expiries, a group with no live gateway), oldest first.
    public func alarms() throws -> [(at: Date, group: String?, message: String)] {
        try query("SELECT at, failover_group, message FROM fleet_alarm ORDER BY id").rows.map { row in
            let (at, group, message) = try row.decode((Date, String?, String).self)
            return (at, group, message)
        }
    }

    /// Throws `staleEpoch` unless `gateway` owns `grid` at `epoch`: what a write about the grid runs first, in its
    /// transaction.
    public func fence(grid: String, gateway: String, epoch: Int64) throws {
        try execute("SELECT skygate_fence(\(grid), \(gateway), \(epoch))")
    }

    // MARK: - Operators

    /// Gives `grid` to `gateway` now (an operator's decision: any gateway, live or not, of any group).
    @discardableResult
    public func assign(grid: String, to gateway: String) throws -> GridMove {
        try transaction {
            try holdMaintenance()
            guard try !query("SELECT 1 FROM fleet_grid WHERE grid_id = \(grid) FOR UPDATE").rows.isEmpty else {
                throw FleetError(.notFound, "no grid \(grid) in the central store")
            }
            guard try !query("SELECT 1 FROM fleet_gateway WHERE name = \(gateway)").rows.isEmpty else {
                throw FleetError(.notFound, "no gateway \(gateway) in the central store")
            }
            return try move(grid, to: gateway, .operator)
        }
    }

    /// Marks `gateway` draining (it gets no grid) and moves each of its grids to the least loaded live gateway of the
    /// grid's group; the moves made. A grid with nowhere to go stays where it is.
    public func drain(_ gateway: String) throws -> [GridMove] {
        try transaction {
            try holdMaintenance()
            let updated = try query("UPDATE fleet_gateway SET state = 'draining' WHERE name = \(gateway) RETURNING name")
            guard !updated.rows.isEmpty else { throw FleetError(.notFound, "no gateway \(gateway) in the central store") }
            return try ownedGrids(of: gateway).compactMap { grid, group in
                try leastLoaded(in: group).map { try move(grid, to: $0, .drain) }
            }
        }
    }

    // MARK: - The maintenance pass

    /// One maintenance pass, which any gateway runs every second or so; passes never overlap (the maintenance row is
    /// taken with `SKIP LOCKED`: a pass that finds it taken does nothing). It:
    /// 1. expires gateways whose lease ran out (by the database's clock) and moves their grids, unless the centre
    ///    itself was away (no pass ran for a third of a lease, while every live gateway runs one a second: an outage
    ///    or a failover), when every gateway first gets one lease to renew: an outage shorter than a lease would
    ///    otherwise let the first gateway back expire the others before their next renewal; or unless more than `maximumExpiryShare` of a group (two gateways at least) ran out at once,
    ///    when the group is left alone and an alarm raised (a network fault, not dead gateways);
    /// 2. gives every unowned grid an owner;
    /// 3. hands back one grid per group, from the most loaded gateway to the least, when that evens them out (a
    ///    gateway that returned or joined, once it has been live for a lease).
    public func maintain(maximumExpiryShare: Double = 0.2) throws -> MaintenanceReport {
        try transaction {
            let lease = leaseSeconds
            let claimed = try query(
                """
                SELECT now() - last_pass_at > make_interval(secs => \(lease / 3)),
                    now() - resumed_at < make_interval(secs => \(lease))
                FROM fleet_maintenance WHERE id = 1 FOR UPDATE SKIP LOCKED
                """)
            guard let row = claimed.rows.first else { return MaintenanceReport(pause: .busy) }
            let (lapsed, resuming) = try row.decode((Bool, Bool).self)
            if lapsed {
                try execute("UPDATE fleet_maintenance SET last_pass_at = clock_timestamp(), resumed_at = now()")
                return MaintenanceReport(pause: .centreResumed)
            }
            if resuming {
                try execute("UPDATE fleet_maintenance SET last_pass_at = clock_timestamp()")
                return MaintenanceReport(pause: .centreResumed)
            }
            var report = MaintenanceReport()
            try expireLapsedGateways(maximumExpiryShare: maximumExpiryShare, into: &report)
            try assignUnownedGrids(into: &report)
            try handBack(into: &report)
            // When the pass ended, not began (`now()` is the transaction's start): a long pass must not look like the
            // centre's absence to the next one.
            try execute("UPDATE fleet_maintenance SET last_pass_at = clock_timestamp()")
            return report
        }
    }

    private func expireLapsedGateways(maximumExpiryShare: Double, into report: inout MaintenanceReport) throws {
        let lapsed = try query(
            """
            SELECT name, failover_group FROM fleet_gateway WHERE state <> 'expired' AND lease_expires_at < now()
            ORDER BY name FOR UPDATE SKIP LOCKED
            """
        ).rows.map { try $0.decode((String, String).self) }
        guard !lapsed.isEmpty else { return }
        // Leases renewed on each gateway's own phase run out up to a third of a lease apart even when a network fault
        // cuts them all at once: the gateways expired within the last lease count with those lapsing now.
        let counts = Dictionary(
            uniqueKeysWithValues: try query(
                """
                SELECT failover_group,
                    count(*) FILTER (WHERE state <> 'expired' OR lease_expires_at > now() - make_interval(secs => \(leaseSeconds)))::int,
                    count(*) FILTER (WHERE state = 'expired' AND lease_expires_at > now() - make_interval(secs => \(leaseSeconds)))::int
                FROM fleet_gateway GROUP BY failover_group
                """
            ).rows.map { row in
                let (group, size, recent) = try row.decode((String, Int, Int).self)
                return (group, (size: size, recent: recent))
            })
        for (group, members) in Dictionary(grouping: lapsed, by: \.1).sorted(by: { $0.key < $1.key }) {
            let size = counts[group]?.size ?? members.count
            let together = members.count + (counts[group]?.recent ?? 0)
            if together >= 2, Double(together) > maximumExpiryShare * Double(size) {
                report.stormGroups.append(group)
                try alarm(
                    group: group,
                    "\(together) of \(size) gateways of group \(group) missed their leases at once: none more expired")
                continue
            }
            for (gateway, _) in members {
                try execute("UPDATE fleet_gateway SET state = 'expired' WHERE name = \(gateway)")
                report.expired.append(gateway)
                for (grid, group) in try ownedGrids(of: gateway) {
                    if let target = try leastLoaded(in: group) {
                        report.moves.append(try move(grid, to: target, .leaseExpired))
                    } else {
                        try execute(
                            "UPDATE grid_assignment_history SET to_time = now() WHERE grid_id = \(grid) AND to_time IS NULL")
                        try execute("DELETE FROM grid_assignment WHERE grid_id = \(grid)")
                        try alarm(group: group, "grid \(grid) has no live gateway in group \(group)")
                    }
                }
            }
        }
    }

    private func assignUnownedGrids(into report: inout MaintenanceReport) throws {
        let unowned = try query(
            """
            SELECT grid_id, failover_group FROM fleet_grid g
            WHERE NOT EXISTS (SELECT 1 FROM grid_assignment a WHERE a.grid_id = g.grid_id)
            ORDER BY grid_id FOR UPDATE SKIP LOCKED
            """
        ).rows.map { try $0.decode((String, String).self) }
        for (grid, group) in unowned {
            guard let target = try leastLoaded(in: group) else { continue }
            report.moves.append(try move(grid, to: target, .unassigned))
        }
    }

    /// One grid per group from the most to the least loaded settled live gateway, when the receiver's load with it
    /// stays under the giver's load without it… and under the giver's load now (so a move never just swaps the two).
    private func handBack(into report: inout MaintenanceReport) throws {
        let loads = try query(
            """
            SELECT g.failover_group, g.name, g.capacity,
                \(unescaped: Self.weight)::int, g.live_since < now() - make_interval(secs => \(leaseSeconds))
            FROM fleet_gateway g
            LEFT JOIN grid_assignment a ON a.gateway = g.name
            LEFT JOIN fleet_grid fg ON fg.grid_id = a.grid_id
            WHERE g.state = 'live' AND g.lease_expires_at >= now()
            GROUP BY g.name ORDER BY g.failover_group, g.name
            """
        ).rows.map { try $0.decode((String, String, Int, Int, Bool).self) }
        for (_, members) in Dictionary(grouping: loads, by: \.0).sorted(by: { $0.key < $1.key }) {
            let load = { (member: (String, String, Int, Int, Bool)) in Double(member.3) / Double(member.2) }
            guard let giver = members.max(by: { load($0) < load($1) }),
                let receiver = members.filter(\.4).min(by: { load($0) < load($1) }), giver.1 != receiver.1,
                let smallest = try query(
                    """
                    SELECT a.grid_id, GREATEST(fg.cameras, 1) FROM grid_assignment a JOIN fleet_grid fg USING (grid_id)
                    WHERE a.gateway = \(giver.1) ORDER BY GREATEST(fg.cameras, 1), a.grid_id LIMIT 1
                    """
                ).rows.first.map({ try $0.decode((String, Int).self) })
            else { continue }
            let receiverAfter = Double(receiver.3 + smallest.1) / Double(receiver.2)
            guard receiverAfter < load(giver) else { continue }
            report.moves.append(try move(smallest.0, to: receiver.1, .balance))
        }
    }

    // MARK: - Parts

    /// A gateway's weight over its joined assignments: each grid's cameras, at least 1 a grid, and 0 with no grid
    /// (`GREATEST` ignores NULL, so a gateway without grids would otherwise weigh 1).
    static let weight = "COALESCE(sum(GREATEST(fg.cameras, 1)) FILTER (WHERE a.grid_id IS NOT NULL), 0)"

    /// The grids `gateway` owns, with their groups, locked for the transaction.
    private func ownedGrids(of gateway: String) throws -> [(String, String)] {
        try query(
            """
            SELECT a.grid_id, fg.failover_group FROM grid_assignment a JOIN fleet_grid fg USING (grid_id)
            WHERE a.gateway = \(gateway) ORDER BY a.grid_id FOR UPDATE OF a
            """
        ).rows.map { try $0.decode((String, String).self) }
    }

    /// The live gateway of `group`, with an unexpired lease, that carries the least weight per capacity.
    private func leastLoaded(in group: String) throws -> String? {
        try query(
            """
            SELECT g.name FROM fleet_gateway g
            LEFT JOIN grid_assignment a ON a.gateway = g.name
            LEFT JOIN fleet_grid fg ON fg.grid_id = a.grid_id
            WHERE g.failover_group = \(group) AND g.state = 'live' AND g.lease_expires_at >= now()
            GROUP BY g.name, g.capacity
            ORDER BY \(unescaped: Self.weight)::float8 / g.capacity, count(a.grid_id), g.name
            LIMIT 1
            """
        ).rows.first.map { try $0.decode(String.self) }
    }

    /// Waits for a running pass and keeps the next from starting until this transaction ends: an operator's change
    /// and a pass must not both move a grid, nor a pass give a grid to a gateway being drained.
    private func holdMaintenance() throws {
        try execute("SELECT 1 FROM fleet_maintenance WHERE id = 1 FOR UPDATE")
    }

    /// Gives `grid` to `gateway` with a new epoch: the old owner's span ends and the new one's begins at the same
    /// database instant (one transaction's `now()`).
    private func move(_ grid: String, to gateway: String, _ reason: GridMove.Reason) throws -> GridMove {
        try execute("SELECT 1 FROM grid_assignment WHERE grid_id = \(grid) FOR UPDATE")
        try execute("UPDATE grid_assignment_history SET to_time = now() WHERE grid_id = \(grid) AND to_time IS NULL")
        let epoch =
            try query(
                """
                INSERT INTO grid_assignment (grid_id, gateway, epoch, assigned_at) VALUES (\(grid), \(gateway), nextval('fleet_epoch'), now())
                ON CONFLICT (grid_id) DO UPDATE SET gateway = excluded.gateway, epoch = excluded.epoch, assigned_at = excluded.assigned_at
                RETURNING epoch
                """
            ).rows.first.map { try $0.decode(Int64.self) } ?? 0
        try execute(
            """
            INSERT INTO grid_assignment_history (grid_id, gateway, epoch, from_time, reason)
            VALUES (\(grid), \(gateway), \(epoch), now(), \(reason.rawValue))
            """)
        return GridMove(grid: grid, gateway: gateway, epoch: epoch, reason: reason)
    }

    /// Raises a fleet alarm, at most one a minute with the same text.
    private func alarm(group: String?, _ message: String) throws {
        try execute(
            """
            INSERT INTO fleet_alarm (failover_group, message) SELECT \(group), \(message)
            WHERE NOT EXISTS (SELECT 1 FROM fleet_alarm WHERE message = \(message) AND at > now() - interval '1 minute')
            """)
    }
}
