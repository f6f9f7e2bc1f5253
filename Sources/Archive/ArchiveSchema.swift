internal import GRDB

extension ArchiveDatabase {
    /// The archive's schema, one migration per change (the file index, the recording index, health history, status).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: sources and keyframes") { db in
            try db.execute(
                sql: """
                    CREATE TABLE source (
                        id INTEGER PRIMARY KEY,
                        locator TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('indexing', 'complete')),
                        format TEXT NOT NULL,
                        codec TEXT NOT NULL,
                        width INTEGER,
                        height INTEGER,
                        time_base_num INTEGER NOT NULL,
                        time_base_den INTEGER NOT NULL,
                        duration REAL,
                        keyframe_count INTEGER NOT NULL DEFAULT 0,
                        analyzed INTEGER NOT NULL,
                        started_at TEXT NOT NULL,
                        finished_at TEXT
                    );
                    CREATE TABLE keyframe (
                        source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                        sequence INTEGER NOT NULL,
                        pts INTEGER,
                        dts INTEGER,
                        seconds REAL NOT NULL,
                        position INTEGER,
                        size INTEGER NOT NULL,
                        mean_luma REAL,
                        luma_stddev REAL,
                        dark_fraction REAL,
                        bright_fraction REAL,
                        sharpness REAL,
                        edge_density REAL,
                        phash INTEGER,
                        mean_u REAL,
                        mean_v REAL,
                        PRIMARY KEY (source_id, sequence)
                    ) WITHOUT ROWID;
                    CREATE INDEX keyframe_by_time ON keyframe (source_id, seconds);
                    -- One complete index per input; a run in progress sits beside it until it completes.
                    CREATE UNIQUE INDEX source_complete_locator ON source (locator) WHERE state = 'complete';
                    CREATE INDEX source_by_locator ON source (locator);
                    """)
        }
        migrator.registerMigration("v2: live recordings") { db in
            try db.execute(
                sql: """
                    CREATE TABLE recorded_keyframe (
                        camera TEXT NOT NULL,
                        wall_time REAL NOT NULL,
                        seconds REAL NOT NULL,
                        segment TEXT NOT NULL,
                        byte_offset INTEGER NOT NULL,
                        size INTEGER NOT NULL
                    );
                    CREATE INDEX recorded_keyframe_by_time ON recorded_keyframe (camera, wall_time);
                    CREATE TABLE recording_gap (
                        camera TEXT NOT NULL,
                        from_time REAL NOT NULL,
                        to_time REAL NOT NULL,
                        reason TEXT NOT NULL
                    );
                    CREATE INDEX recording_gap_by_time ON recording_gap (camera, from_time);
                    """)
        }
        migrator.registerMigration("v3: live statistics, health history, status, discontinuities") { db in
            // Statistics arrive after the keyframe row (analysis runs behind recording), so they are nullable columns.
            for column in [
                "width INTEGER", "height INTEGER", "mean_luma REAL", "luma_stddev REAL", "dark_fraction REAL",
                "bright_fraction REAL", "sharpness REAL", "edge_density REAL", "phash INTEGER", "mean_u REAL", "mean_v REAL",
            ] {
                try db.execute(sql: "ALTER TABLE recorded_keyframe ADD COLUMN \(column)")
            }
            try db.execute(
                sql: """
                    CREATE INDEX recorded_keyframe_by_segment ON recorded_keyframe (segment);
                    CREATE TABLE health_transition (
                        camera TEXT NOT NULL,
                        wall_time REAL NOT NULL,
                        state TEXT NOT NULL,
                        reason TEXT,
                        detail TEXT
                    );
                    CREATE INDEX health_transition_by_time ON health_transition (camera, wall_time);
                    CREATE TABLE timeline_discontinuity (
                        camera TEXT NOT NULL,
                        wall_time REAL NOT NULL,
                        kind TEXT NOT NULL,
                        raw_timestamp INTEGER,
                        timeline_seconds REAL NOT NULL
                    );
                    CREATE INDEX timeline_discontinuity_by_time ON timeline_discontinuity (camera, wall_time);
                    CREATE TABLE camera_status (
                        camera TEXT PRIMARY KEY NOT NULL,
                        status TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE service_status (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        status TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v4: recording runs") { db in
            // Coverage reads runs of keyframes instead of every keyframe; an existing archive's are built once here.
            try db.execute(
                sql: """
                    CREATE TABLE recording_run (
                        camera TEXT NOT NULL,
                        from_time REAL NOT NULL,
                        to_time REAL NOT NULL,
                        keyframes INTEGER NOT NULL,
                        last_interval REAL,
                        open INTEGER NOT NULL
                    );
                    CREATE INDEX recording_run_by_start ON recording_run (camera, from_time);
                    CREATE INDEX recording_run_by_end ON recording_run (camera, to_time);
                    """)
            try RunBook.build(db)
        }
        migrator.registerMigration("v5: keyframes packed per segment") { db in
            // What playlists read (`SegmentKeyframes`); an existing archive's rows are packed once here.
            try db.execute(
                sql: """
                    CREATE TABLE recorded_segment (
                        segment TEXT NOT NULL,
                        minute INTEGER NOT NULL,
                        camera TEXT NOT NULL,
                        first_wall REAL NOT NULL,
                        last_wall REAL NOT NULL,
                        keyframes BLOB NOT NULL,
                        PRIMARY KEY (segment, minute)
                    ) WITHOUT ROWID;
                    CREATE INDEX recorded_segment_by_end ON recorded_segment (camera, last_wall);
                    """)
            try SegmentKeyframes.build(db)
        }
        migrator.registerMigration("v6: patrol visits") { db in
            // One row per visit (`PatrolVisitLog`); the keyframes' statistics and the stream's facts as JSON. The
            // round's progress, as the patrol publishes it (`StatusStore`), beside the service's status.
            try db.execute(
                sql: """
                    CREATE TABLE patrol_visit (
                        camera TEXT NOT NULL,
                        started_at REAL NOT NULL,
                        duration REAL NOT NULL,
                        outcome TEXT NOT NULL,
                        reason TEXT,
                        keyframes TEXT NOT NULL,
                        stream TEXT
                    );
                    CREATE INDEX patrol_visit_by_camera ON patrol_visit (camera, started_at);
                    CREATE INDEX patrol_visit_by_time ON patrol_visit (started_at);
                    CREATE TABLE patrol_status (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        status TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v7: patrol rounds and requests") { db in
            // Each finished round with its visits by outcome (`PatrolRoundLog`); and the operator's requests to visit
            // now (`skygate patrol run-now`), which the running service takes and marks.
            try db.execute(
                sql: """
                    CREATE TABLE patrol_round (
                        started_at REAL NOT NULL,
                        ended_at REAL NOT NULL,
                        cameras INTEGER NOT NULL,
                        visits INTEGER NOT NULL,
                        ok INTEGER NOT NULL,
                        unreachable INTEGER NOT NULL,
                        no_keyframe INTEGER NOT NULL
                    );
                    CREATE INDEX patrol_round_by_end ON patrol_round (ended_at);
                    CREATE TABLE patrol_request (
                        id INTEGER PRIMARY KEY,
                        grid TEXT,
                        requested_at REAL NOT NULL,
                        requested_by TEXT NOT NULL,
                        taken_at REAL
                    );
                    """)
        }
        migrator.registerMigration("v8: keyframe thumbnails and saturation") { db in
            // The 8×8 luma thumbnail of each analysed keyframe (64 Float32, 256 bytes): what "frozen" compares, so
            // `skygate diagnose replay` judges the stored keyframes as the live detector judged them. And the
            // picture's saturation, which the IR-cut rule judges.
            try db.execute(sql: "ALTER TABLE recorded_keyframe ADD COLUMN thumbnail BLOB")
            try db.execute(sql: "ALTER TABLE recorded_keyframe ADD COLUMN saturation REAL")
            try db.execute(sql: "ALTER TABLE keyframe ADD COLUMN saturation REAL")
            // The analysed keyframes alone, for replays and picture sizes: a camera whose analysis was skipped for a
            // month would otherwise be a walk over its 2.6 million rows.
            try db.execute(
                sql:
                    "CREATE INDEX recorded_keyframe_analysed ON recorded_keyframe (camera, wall_time) WHERE mean_luma IS NOT NULL"
            )
        }
        migrator.registerMigration("v9: keyframe noise, flatness, stripes and concealment") { db in
            // What the noise, signal-loss, stripe and corruption rules judge, kept so a replay judges them as the live
            // detector did.
            for table in ["recorded_keyframe", "keyframe"] {
                for column in ["noise", "uniform_fraction", "stripes"] {
                    try db.execute(sql: "ALTER TABLE \(table) ADD COLUMN \(column) REAL")
                }
                try db.execute(sql: "ALTER TABLE \(table) ADD COLUMN concealed INTEGER")
            }
        }
        migrator.registerMigration("v10: stream readings") { db in
            // What a recorded camera's conformance detectors judge (`StreamReadingLog`), kept so a replay judges it as
            // the live detector did: throughput readings packed ten to a row, clock offsets, and the frame rate each
            // analysed keyframe's stream declared, with when the detector heard it (its analysis's end).
            try db.execute(
                sql: """
                    CREATE TABLE stream_throughput (
                        camera TEXT NOT NULL,
                        wall_time REAL NOT NULL,
                        readings BLOB NOT NULL
                    );
                    CREATE INDEX stream_throughput_by_time ON stream_throughput (camera, wall_time);
                    CREATE TABLE clock_reading (
                        camera TEXT NOT NULL,
                        wall_time REAL NOT NULL,
                        offset REAL NOT NULL
                    );
                    CREATE INDEX clock_reading_by_time ON clock_reading (camera, wall_time);
                    ALTER TABLE recorded_keyframe ADD COLUMN declared_frame_rate REAL;
                    ALTER TABLE recorded_keyframe ADD COLUMN analysed_at REAL;
                    """)
        }
        return migrator
    }
}
