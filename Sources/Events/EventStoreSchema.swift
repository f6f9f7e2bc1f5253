internal import GRDB

extension EventStore {
    /// The store's schema, version by version (a new version is a new migration; none is ever edited).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: events and outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        id TEXT PRIMARY KEY NOT NULL,
                        device TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('open', 'cleared')),
                        since REAL NOT NULL,
                        raised_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        cleared_at REAL,
                        body TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX event_by_device ON event (device, since);
                    CREATE INDEX event_by_time ON event (since);
                    -- At most one open event per device and kind.
                    CREATE UNIQUE INDEX event_open ON event (device, kind) WHERE state = 'open';
                    CREATE TABLE outbox (
                        sequence INTEGER NOT NULL,
                        sink TEXT NOT NULL,
                        device TEXT NOT NULL,
                        event_id TEXT NOT NULL REFERENCES event(id),
                        phase TEXT NOT NULL,
                        body TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt REAL NOT NULL DEFAULT 0,
                        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
                        last_error TEXT,
                        PRIMARY KEY (sink, sequence)
                    ) WITHOUT ROWID;
                    CREATE INDEX outbox_pending ON outbox (sink, state, device, sequence);
                    CREATE TABLE sequence (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);
                    INSERT INTO sequence (id, last) VALUES (1, 0);
                    """)
        }
        migrator.registerMigration("v2: grid and key-location filters, idempotency keys") { db in
            // The grid path and key locations as `|id|id|`, so `--grid` (with its descendants) and `--location` are
            // one indexed-free LIKE each instead of a JSON walk per row.
            try db.execute(
                sql: """
                    ALTER TABLE event ADD COLUMN grids TEXT NOT NULL DEFAULT '|';
                    ALTER TABLE event ADD COLUMN key_locations TEXT NOT NULL DEFAULT '|';
                    CREATE INDEX event_by_kind ON event (kind, since);
                    CREATE TABLE sink (name TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                    ALTER TABLE outbox ADD COLUMN at REAL NOT NULL DEFAULT 0;
                    CREATE TABLE idempotency (
                        key TEXT PRIMARY KEY NOT NULL,
                        event_id TEXT NOT NULL,
                        at REAL NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v3: sensor alarms open by name, idempotency keys per device and sender") { db in
            // Sensor alarms are told apart by their name (`smoke`, `door_forced`): one open event per device, kind and
            // subject, where the subject is the alarm's name for sensor alarms and empty for a camera's detectors.
            // Idempotency keys were global; they now belong to a device and a sender and expire, so the old rows
            // (at most a day's resends) go.
            try db.execute(
                sql: """
                    ALTER TABLE event ADD COLUMN subject TEXT NOT NULL DEFAULT '';
                    UPDATE event SET subject = COALESCE(json_extract(body, '$.reason'), '') WHERE kind = 'sensor_alarm';
                    DROP INDEX event_open;
                    CREATE UNIQUE INDEX event_open ON event (device, kind, subject) WHERE state = 'open';
                    DROP TABLE idempotency;
                    CREATE TABLE idempotency (
                        device TEXT NOT NULL,
                        sender TEXT NOT NULL,
                        key TEXT NOT NULL,
                        event_id TEXT NOT NULL,
                        received REAL NOT NULL,
                        PRIMARY KEY (device, sender, key)
                    ) WITHOUT ROWID;
                    CREATE INDEX idempotency_by_age ON idempotency (received);
                    """)
        }
        migrator.registerMigration("v4: reference pictures") { db in
            // An operator's reference picture per camera (`ReferencePicture` as JSON), which "camera moved" and
            // "occlusion" compare against.
            try db.execute(
                sql: "CREATE TABLE reference_picture (camera TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) WITHOUT ROWID")
        }
        return migrator
    }
}
