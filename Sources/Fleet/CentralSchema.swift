/// The central store's schema, one migration per version, applied in order by the first gateway or command that
/// connects (`CentralStore.migrate`). Version 1: gateways with leases, grids as assignment subjects, the current
/// assignment with its epoch, the assignment history, the maintenance row and the fleet's alarms. Version 2: events.
enum CentralSchema {
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE fleet_gateway (
                name TEXT PRIMARY KEY,
                failover_group TEXT NOT NULL,
                capacity INTEGER NOT NULL CHECK (capacity > 0),
                address TEXT,
                state TEXT NOT NULL CHECK (state IN ('live', 'draining', 'expired')),
                registered_at TIMESTAMPTZ NOT NULL,
                live_since TIMESTAMPTZ NOT NULL,
                lease_expires_at TIMESTAMPTZ NOT NULL)
            """,
            """
            CREATE TABLE fleet_grid (
                grid_id TEXT PRIMARY KEY,
                failover_group TEXT NOT NULL,
                cameras INTEGER NOT NULL DEFAULT 0 CHECK (cameras >= 0))
            """,
            "CREATE SEQUENCE fleet_epoch",
            """
            CREATE TABLE grid_assignment (
                grid_id TEXT PRIMARY KEY REFERENCES fleet_grid ON DELETE CASCADE,
                gateway TEXT NOT NULL REFERENCES fleet_gateway (name),
                epoch BIGINT NOT NULL,
                assigned_at TIMESTAMPTZ NOT NULL)
            """,
            "CREATE INDEX grid_assignment_by_gateway ON grid_assignment (gateway)",
            """
            CREATE TABLE grid_assignment_history (
                id BIGSERIAL PRIMARY KEY,
                grid_id TEXT NOT NULL,
                gateway TEXT NOT NULL,
                epoch BIGINT NOT NULL,
                from_time TIMESTAMPTZ NOT NULL,
                to_time TIMESTAMPTZ,
                reason TEXT NOT NULL)
            """,
            "CREATE INDEX grid_assignment_history_by_grid ON grid_assignment_history (grid_id, from_time)",
            """
            CREATE TABLE fleet_maintenance (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_pass_at TIMESTAMPTZ NOT NULL,
                resumed_at TIMESTAMPTZ NOT NULL)
            """,
            "INSERT INTO fleet_maintenance VALUES (1, now(), now())",
            """
            CREATE TABLE fleet_alarm (
                id BIGSERIAL PRIMARY KEY,
                at TIMESTAMPTZ NOT NULL DEFAULT now(),
                failover_group TEXT,
                message TEXT NOT NULL)
            """,
            // Fencing: a write about a grid runs this first, in its transaction, with the epoch its gateway holds.
            """
            CREATE FUNCTION skygate_fence(p_grid TEXT, p_gateway TEXT, p_epoch BIGINT) RETURNS void AS $$
            BEGIN
                IF NOT EXISTS (
                    SELECT 1 FROM grid_assignment WHERE grid_id = p_grid AND gateway = p_gateway AND epoch = p_epoch
                ) THEN
                    RAISE EXCEPTION 'stale epoch: grid % is not %''s at epoch %', p_grid, p_gateway, p_epoch
                        USING ERRCODE = 'SG001';
                END IF;
            END
            $$ LANGUAGE plpgsql
            """,
        ],
        // Version 2: events, as each gateway's outbox delivers them (`CentralEventSink`): each event's latest state,
        // and every transition once, with the gateway that reported it and the epoch it held the grid at.
        [
            """
            CREATE TABLE fleet_event (
                event_id TEXT PRIMARY KEY,
                gateway TEXT NOT NULL,
                device TEXT NOT NULL,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                grid_id TEXT,
                since TIMESTAMPTZ NOT NULL,
                raised_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                cleared_at TIMESTAMPTZ,
                revision BIGINT NOT NULL,
                body JSONB NOT NULL)
            """,
            "CREATE INDEX fleet_event_by_device ON fleet_event (device, since)",
            "CREATE INDEX fleet_event_by_grid ON fleet_event (grid_id, since)",
            """
            CREATE TABLE fleet_event_change (
                gateway TEXT NOT NULL,
                sequence BIGINT NOT NULL,
                event_id TEXT NOT NULL,
                device TEXT NOT NULL,
                phase TEXT NOT NULL,
                at TIMESTAMPTZ NOT NULL,
                epoch BIGINT,
                received_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (gateway, sequence))
            """,
        ],
    ]
}
