internal import GRDB

/// The registry's tables, created and migrated in order.
enum RegistrySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: cameras, grids, key locations, sensors, links") { db in
            try db.execute(
                sql: """
                    CREATE TABLE grid (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        level TEXT NOT NULL CHECK (level IN ('district', 'street', 'community', 'grid')),
                        parent_id TEXT REFERENCES grid(id) ON DELETE RESTRICT,
                        geometry TEXT NOT NULL
                    );
                    CREATE INDEX grid_by_parent ON grid (parent_id);
                    CREATE TABLE key_location (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        category TEXT NOT NULL,
                        geometry TEXT NOT NULL,
                        alert_radius REAL NOT NULL
                    );
                    CREATE INDEX key_location_by_category ON key_location (category);
                    CREATE TABLE camera (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        main_url TEXT NOT NULL,
                        main_secret BLOB,
                        sub_url TEXT,
                        sub_secret BLOB,
                        longitude REAL,
                        latitude REAL,
                        from_gcj02 INTEGER NOT NULL,
                        vendor TEXT NOT NULL,
                        model TEXT NOT NULL,
                        enabled INTEGER NOT NULL,
                        purpose TEXT NOT NULL,
                        retention_days INTEGER NOT NULL,
                        grid_id TEXT REFERENCES grid(id) ON DELETE SET NULL
                    );
                    CREATE INDEX camera_by_grid ON camera (grid_id);
                    CREATE INDEX camera_by_enabled ON camera (enabled);
                    CREATE TABLE camera_tag (
                        camera_id TEXT NOT NULL REFERENCES camera(id) ON DELETE CASCADE,
                        tag TEXT NOT NULL,
                        PRIMARY KEY (camera_id, tag)
                    ) WITHOUT ROWID;
                    CREATE INDEX camera_tag_by_tag ON camera_tag (tag);
                    CREATE TABLE sensor (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        longitude REAL,
                        latitude REAL,
                        from_gcj02 INTEGER NOT NULL,
                        camera_id TEXT REFERENCES camera(id) ON DELETE SET NULL,
                        grid_id TEXT REFERENCES grid(id) ON DELETE SET NULL
                    );
                    CREATE INDEX sensor_by_grid ON sensor (grid_id);
                    CREATE INDEX sensor_by_camera ON sensor (camera_id);
                    CREATE INDEX sensor_by_kind ON sensor (kind);
                    CREATE TABLE device_key_location (
                        device_kind TEXT NOT NULL CHECK (device_kind IN ('camera', 'sensor')),
                        device_id TEXT NOT NULL,
                        location_id TEXT NOT NULL REFERENCES key_location(id) ON DELETE CASCADE,
                        distance REAL NOT NULL,
                        PRIMARY KEY (device_kind, device_id, location_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX device_key_location_by_location ON device_key_location (location_id, device_kind);
                    """)
        }
        migrator.registerMigration("v2: a camera's RTSP transport") { db in
            // NULL: automatic (TCP, then UDP if the server refuses TCP).
            try db.execute(sql: "ALTER TABLE camera ADD COLUMN rtsp_transport TEXT")
        }
        migrator.registerMigration("v3: GB/T 28181 devices") { db in
            // One row per device that may register over SIP. The password is sealed like stream credentials; the
            // registration columns are what a restart needs to keep a registered device online.
            try db.execute(
                sql: """
                    CREATE TABLE gb_device (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL DEFAULT '',
                        password BLOB NOT NULL,
                        media_transport TEXT NOT NULL DEFAULT 'tcp',
                        address TEXT,
                        registered_at REAL,
                        expires_at REAL,
                        last_keepalive REAL,
                        online INTEGER NOT NULL DEFAULT 0,
                        gb_version TEXT,
                        user_agent TEXT
                    ) WITHOUT ROWID;
                    CREATE TABLE gb_channel (
                        device_id TEXT NOT NULL,
                        id TEXT NOT NULL,
                        parent_id TEXT,
                        name TEXT NOT NULL,
                        item TEXT NOT NULL,
                        PRIMARY KEY (device_id, id)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v4: GB/T 28181 device information") { db in
            // What a device says of itself in its DeviceInfo answer; NULL until it has answered.
            try db.execute(
                sql: """
                    ALTER TABLE gb_device ADD COLUMN device_name TEXT;
                    ALTER TABLE gb_device ADD COLUMN manufacturer TEXT;
                    ALTER TABLE gb_device ADD COLUMN model TEXT;
                    ALTER TABLE gb_device ADD COLUMN firmware TEXT;
                    ALTER TABLE gb_device ADD COLUMN channel_count INTEGER;
                    ALTER TABLE gb_device ADD COLUMN info_at REAL;
                    """)
        }
        migrator.registerMigration("v5: camera modes") { db in
            // A camera is recorded, patrolled or off; "enabled" said only the first and the last.
            try db.execute(
                sql: """
                    ALTER TABLE camera ADD COLUMN mode TEXT NOT NULL DEFAULT 'record' CHECK (mode IN ('record', 'patrol', 'off'));
                    UPDATE camera SET mode = CASE enabled WHEN 0 THEN 'off' ELSE 'record' END;
                    DROP INDEX camera_by_enabled;
                    ALTER TABLE camera DROP COLUMN enabled;
                    CREATE INDEX camera_by_mode ON camera (mode);
                    """)
        }
        migrator.registerMigration("v6: GB/T 28181 device clocks") { db in
            // A device's clock against the gateway's, from its DeviceStatus answer; NULL until it has answered.
            try db.execute(
                sql: """
                    ALTER TABLE gb_device ADD COLUMN clock_offset REAL;
                    ALTER TABLE gb_device ADD COLUMN clock_at REAL;
                    """)
        }
        return migrator
    }
}
