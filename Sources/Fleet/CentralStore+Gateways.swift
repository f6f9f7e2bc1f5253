public import Foundation
internal import PostgresNIO

/// Gateways: registration, leases renewed on the database's clock, and what the centre shows of them.
extension CentralStore {
    /// Registers `name` (or registers it again after its lease expired, or after a restart): live, with a fresh lease.
    /// A draining gateway stays draining. Names, groups and capacity are checked here, so `serve --central` fails at
    /// start with the reason.
    public func register(name: String, failoverGroup: String, capacity: Int, address: String?) throws {
        for (field, value) in [("gateway name", name), ("failover group", failoverGroup)] {
            guard !value.isEmpty, value.count <= 64, value.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) })
            else {
                throw FleetError(
                    .invalidConfiguration, "the \(field) '\(value)' must be 1 to 64 letters, digits, '-', '_' or '.'")
            }
        }
        guard capacity > 0 else { throw FleetError(.invalidConfiguration, "the capacity must be at least 1 camera") }
        try execute(
            """
            INSERT INTO fleet_gateway (name, failover_group, capacity, address, state, registered_at, live_since, lease_expires_at)
            VALUES (\(name), \(failoverGroup), \(capacity), \(address), 'live', now(), now(),
                now() + make_interval(secs => \(leaseSeconds)))
            ON CONFLICT (name) DO UPDATE SET failover_group = excluded.failover_group, capacity = excluded.capacity,
                address = excluded.address, lease_expires_at = excluded.lease_expires_at,
                state = CASE WHEN fleet_gateway.state = 'draining' THEN 'draining' ELSE 'live' END,
                live_since = CASE WHEN fleet_gateway.state = 'expired' THEN now() ELSE fleet_gateway.live_since END
            """)
    }

    /// Renews `name`'s lease by `leaseSeconds` from the database's now. False when there is nothing to renew: the
    /// lease expired and its grids moved (the gateway must stop their cameras and register again), or the gateway
    /// was never registered.
    public func renew(name: String) throws -> Bool {
        let renewed = try query(
            """
            UPDATE fleet_gateway SET lease_expires_at = now() + make_interval(secs => \(leaseSeconds))
            WHERE name = \(name) AND state <> 'expired' RETURNING name
            """)
        return !renewed.rows.isEmpty
    }

    /// Every gateway, with the cameras and grids it owns, by name.
    public func gateways() throws -> [FleetGateway] {
        try query(
            """
            SELECT g.name, g.failover_group, g.capacity, g.address, g.state, g.lease_expires_at,
                COALESCE(sum(grid.cameras), 0)::int, count(a.grid_id)::int
            FROM fleet_gateway g
            LEFT JOIN grid_assignment a ON a.gateway = g.name
            LEFT JOIN fleet_grid grid ON grid.grid_id = a.grid_id
            GROUP BY g.name ORDER BY g.name
            """
        ).rows.map { row in
            let (name, group, capacity, address, state, expires, cameras, grids) = try row.decode(
                (String, String, Int, String?, String, Date, Int, Int).self)
            return FleetGateway(
                name: name, failoverGroup: group, capacity: capacity, address: address,
                state: FleetGateway.State(rawValue: state) ?? .expired, leaseExpiresAt: expires, cameras: cameras,
                grids: grids)
        }
    }

    /// The centre's clock: what leases are measured against.
    public func now() throws -> Date {
        try query("SELECT now()").rows.first.map { try $0.decode(Date.self) } ?? Date()
    }
}
