import Foundation
internal import GRDB
public import Geo

/// Assigns cameras and sensors to the finest grid that contains them and to every key location within its radius.
///
/// Rules: a point on a grid's boundary lies in that grid; among grids that contain a point, the deepest level wins
/// (grid before community before street before district), and among equals (a point on the edge two grids share)
/// the smallest ID, so the choice never depends on import order. A key location links a device when the
/// great-circle distance from the device to the place (0 inside an area) is at most the place's alert radius.
struct Linker: Sendable {
    /// One index per level, deepest first: most points lie in a finest grid, found without testing its ancestors.
    private let indexes: [AreaIndex<String>]
    private let locations: [KeyLocation]
    /// Each location's bounds grown by its radius, in degrees, to skip far places cheaply.
    private let reach: [BoundingBox]

    init(grids: [Grid], locations: [KeyLocation]) {
        indexes = GridLevel.allCases.reversed().map { level in
            AreaIndex(grids.filter { $0.level == level }.map { ($0.id, $0.area) })
        }
        self.locations = locations
        reach = locations.map { location in
            let bounds: BoundingBox =
                switch location.geometry {
                case .point(let point): BoundingBox([point])!
                case .area(let area): area.bounds
                }
            let latitudeDegrees = location.alertRadius / (Coordinate.earthRadius * .pi / 180)
            let latitude = max(abs(bounds.minLatitude), abs(bounds.maxLatitude))
            let longitudeDegrees = latitudeDegrees / max(cos(min(89, latitude) * .pi / 180), 0.01)
            var grown = bounds
            grown.minLongitude -= longitudeDegrees
            grown.maxLongitude += longitudeDegrees
            grown.minLatitude -= latitudeDegrees
            grown.maxLatitude += latitudeDegrees
            return grown
        }
    }

    /// The finest grid containing `point`, by the rules above.
    func finestGrid(at point: Coordinate) -> String? {
        for index in indexes {
            if let found = index.best(containing: point, isBetter: <) { return found }
        }
        return nil
    }

    /// Key locations within their radius of `point`, nearest first.
    func keyLocations(near point: Coordinate) -> [(id: String, distance: Double)] {
        var found: [(id: String, distance: Double)] = []
        for (location, bounds) in zip(locations, reach) where bounds.contains(point) {
            let distance = location.distance(from: point)
            if distance <= location.alertRadius { found.append((location.id, distance)) }
        }
        return found.sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
    }

    /// Recomputes every camera's and sensor's links inside the caller's transaction.
    func relinkAll(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM device_key_location")
        let cameras = try Row.fetchAll(db, sql: "SELECT id, longitude, latitude FROM camera")
        for row in cameras {
            try link(db, kind: "camera", id: row["id"], at: Linker.position(row))
        }
        for row in try Row.fetchAll(db, sql: Linker.sensorPositionSQL) {
            try link(db, kind: "sensor", id: row["id"], at: Linker.position(row))
        }
    }

    /// Recomputes one device's links (after it was added or moved), inside the caller's transaction.
    func relink(_ db: Database, kind: String, id: String) throws {
        try db.execute(sql: "DELETE FROM device_key_location WHERE device_kind = ? AND device_id = ?", arguments: [kind, id])
        let sql =
            kind == "camera"
            ? "SELECT id, longitude, latitude FROM camera WHERE id = ?" : Linker.sensorPositionSQL + " WHERE sensor.id = ?"
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [id]) else { return }
        try link(db, kind: kind, id: id, at: Linker.position(row))
        if kind == "camera" {
            // Sensors that sit with this camera move with it.
            for sensor in try String.fetchAll(
                db, sql: "SELECT id FROM sensor WHERE camera_id = ? AND longitude IS NULL", arguments: [id])
            {
                try relink(db, kind: "sensor", id: sensor)
            }
        }
    }

    /// A sensor's own position, or else the position of the camera it sits with.
    private static let sensorPositionSQL = """
        SELECT sensor.id, COALESCE(sensor.longitude, camera.longitude) AS longitude,
               COALESCE(sensor.latitude, camera.latitude) AS latitude
        FROM sensor LEFT JOIN camera ON camera.id = sensor.camera_id
        """

    private static func position(_ row: Row) -> Coordinate? {
        guard let longitude: Double = row["longitude"], let latitude: Double = row["latitude"] else { return nil }
        return try? Coordinate(longitude: longitude, latitude: latitude)
    }

    private func link(_ db: Database, kind: String, id: String, at point: Coordinate?) throws {
        let grid = point.flatMap(finestGrid(at:))
        try db.cachedStatement(sql: "UPDATE \(kind) SET grid_id = ? WHERE id = ?").execute(arguments: [grid, id])
        guard let point else { return }
        for (location, distance) in keyLocations(near: point) {
            try db.cachedStatement(
                sql: "INSERT INTO device_key_location (device_kind, device_id, location_id, distance) VALUES (?, ?, ?, ?)"
            )
            .execute(arguments: [kind, id, location, distance])
        }
    }
}

/// Finds the finest grid holding a point, in memory, by the registry's linking rules; for callers that place many
/// points (ingest, events, benchmarks). A snapshot: it does not see grids changed after it was made.
public struct GridLocator: Sendable {
    let linker: Linker

    /// The finest grid containing `point` (boundary included; deepest level, then smallest ID).
    public func finestGrid(at point: Coordinate) -> String? { linker.finestGrid(at: point) }
}

extension Registry {
    /// A locator over the grids and key locations in the registry now.
    public func gridLocator() throws -> GridLocator { try read { db in GridLocator(linker: try linker(db)) } }
}
