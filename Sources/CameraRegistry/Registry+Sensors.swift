internal import GRDB
import Geo

extension Registry {
    /// Sensors, by ID; only those linked to `keyLocationID` or in `gridID` (or below it) when given.
    public func sensors(gridID: String? = nil, keyLocationID: String? = nil) throws -> [SensorRecord] {
        try read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let gridID {
                conditions.append(
                    """
                    grid_id IN (WITH RECURSIVE below(id) AS (SELECT ? UNION ALL SELECT grid.id FROM grid JOIN below ON grid.parent_id = below.id)
                                SELECT id FROM below)
                    """)
                arguments += [gridID]
            }
            if let keyLocationID {
                conditions.append(
                    "id IN (SELECT device_id FROM device_key_location WHERE device_kind = 'sensor' AND location_id = ?)")
                arguments += [keyLocationID]
            }
            let filterSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let paths = GridPathCache()
            return try Row.fetchAll(db, sql: "SELECT * FROM sensor \(filterSQL) ORDER BY id", arguments: arguments).map {
                try sensorRecord(db, $0, paths: paths)
            }
        }
    }

    /// The sensor with this ID, or nil.
    public func sensor(id: String) throws -> SensorRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sensor WHERE id = ?", arguments: [id]).map { try sensorRecord(db, $0) }
        }
    }

    /// Adds or replaces a sensor and links it.
    public func saveSensor(_ sensor: Sensor, audit: () throws -> Void = {}) throws {
        try validate(sensor)
        try write { db in
            try upsert(db, sensor)
            try linker(db).relink(db, kind: "sensor", id: sensor.id.rawValue)
            try audited(audit)
        }
    }

    /// Removes a sensor and its links.
    public func removeSensor(id: String, audit: () throws -> Void = {}) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM device_key_location WHERE device_kind = 'sensor' AND device_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM sensor WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw RegistryError(.notFound, "no sensor \(id)") }
            try audited(audit)
        }
    }

    func validate(_ sensor: Sensor) throws {
        if sensor.id.code == nil && !lenientIDs {
            throw RegistryError(.invalid, "sensor ID '\(sensor.id)' is not a GB/T 28181 ID (use --lenient-id for other schemes)")
        }
        try validateText(sensor.name, field: "name")
        guard sensor.location != nil || sensor.cameraID != nil else {
            throw RegistryError(.invalid, "sensor \(sensor.id) needs a position or the camera it sits with")
        }
    }

    func upsert(_ db: Database, _ sensor: Sensor) throws {
        if let camera = sensor.cameraID,
            try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM camera WHERE id = ?)", arguments: [camera.rawValue])!
        {
            throw RegistryError(.invalid, "sensor \(sensor.id) sits with camera \(camera), which is not registered")
        }
        try db.execute(
            sql: """
                INSERT INTO sensor (id, name, kind, longitude, latitude, from_gcj02, camera_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, longitude = excluded.longitude,
                    latitude = excluded.latitude, from_gcj02 = excluded.from_gcj02, camera_id = excluded.camera_id
                """,
            arguments: [
                sensor.id.rawValue, sensor.name, sensor.kind.rawValue, sensor.location?.longitude, sensor.location?.latitude,
                sensor.convertedFromGCJ02, sensor.cameraID?.rawValue,
            ])
    }

    func sensorRecord(_ db: Database, _ row: Row, paths: GridPathCache = GridPathCache()) throws -> SensorRecord {
        let id: String = row["id"]
        var location: Coordinate? = nil
        if let longitude: Double = row["longitude"], let latitude: Double = row["latitude"] {
            location = try Coordinate(longitude: longitude, latitude: latitude)
        }
        let camera: String? = row["camera_id"]
        let sensor = Sensor(
            id: DeviceID(stored: id), name: row["name"], kind: SensorKind(rawValue: row["kind"]) ?? .other,
            location: location,
            convertedFromGCJ02: row["from_gcj02"], cameraID: camera.map { DeviceID(stored: $0) })
        return SensorRecord(
            sensor: sensor, gridPath: try path(db, to: row["grid_id"], cache: paths),
            keyLocations: try links(db, kind: "sensor", id: id))
    }
}
