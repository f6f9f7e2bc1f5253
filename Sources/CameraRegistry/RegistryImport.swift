public import Foundation
internal import GRDB
import Geo
import Logging

/// How many records an import added and updated, per kind.
public struct ImportCounts: Sendable, Codable, Equatable {
    public var added = 0
    public var updated = 0

    public init(added: Int = 0, updated: Int = 0) {
        self.added = added
        self.updated = updated
    }
}

/// What an import did (or, with `dryRun`, would do).
public struct ImportSummary: Sendable, Codable, Equatable {
    public var dryRun: Bool
    public var grids = ImportCounts()
    public var keyLocations = ImportCounts()
    public var cameras = ImportCounts()
    public var sensors = ImportCounts()
    /// Cameras with a position that lies in no grid after the import.
    public var camerasOutsideGrids = 0
    /// Cameras whose stored credentials were dropped because a stream URL now points at another scheme, host or port.
    public var credentialsDropped: [String] = []
}

/// The files of a registry directory (`camera-registry/README.md` documents their formats).
public enum RegistryFiles {
    public static let cameras = "cameras.csv"
    public static let sensors = "sensors.csv"
    public static let grids = "grids.geojson"
    public static let keyLocations = "key-locations.geojson"

    static let cameraColumns = [
        "id", "name", "main_url", "sub_url", "longitude", "latitude", "datum", "vendor", "model", "mode", "tags", "purpose",
        "retention_days", "rtsp_transport",
    ]
    /// Columns an import also reads, that an export no longer writes: `enabled` (true: record, false: off), from
    /// before camera modes.
    static let legacyCameraColumns = ["enabled"]
    static let sensorColumns = ["id", "name", "kind", "longitude", "latitude", "datum", "camera_id"]
}

extension Registry {
    /// Imports the registry files present in `directory`: all or nothing, upserting by ID. Every invalid row or
    /// feature is reported (file, line or feature, column, reason) and then nothing is written.
    public func importDirectory(
        _ directory: String, dryRun: Bool = false, audit: (ImportSummary) throws -> Void = { _ in }
    ) throws -> ImportSummary {
        var contents: [String: Data] = [:]
        for name in [RegistryFiles.grids, RegistryFiles.keyLocations, RegistryFiles.cameras, RegistryFiles.sensors] {
            contents[name] = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(name))
        }
        guard !contents.isEmpty else {
            throw RegistryError(
                .invalid,
                "no registry files in '\(directory)' (expected \(RegistryFiles.cameras), \(RegistryFiles.sensors), "
                    + "\(RegistryFiles.grids) or \(RegistryFiles.keyLocations))")
        }
        let summary = try importFiles(contents, dryRun: dryRun, audit: audit)
        logger.info("registry imported", metadata: ["directory": "\(directory)", "dry_run": "\(dryRun)"])
        return summary
    }

    /// Imports registry files given by name (`RegistryFiles`) and contents, with the rules of `importDirectory`.
    /// `audit` runs in the import's transaction, after the rows are written: an import that cannot be audited is not
    /// made. A dry run is not audited.
    public func importFiles(
        _ contents: [String: Data], dryRun: Bool = false, audit: (ImportSummary) throws -> Void = { _ in }
    ) throws -> ImportSummary {
        let files = (
            grids: contents[RegistryFiles.grids], locations: contents[RegistryFiles.keyLocations],
            cameras: contents[RegistryFiles.cameras], sensors: contents[RegistryFiles.sensors]
        )
        let existing = try read { db in
            (
                grids: Dictionary(
                    uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, level FROM grid").map {
                        row -> (String, GridLevel) in
                        (row["id"], GridLevel(rawValue: row["level"]) ?? .grid)
                    }),
                cameras: Set(try String.fetchAll(db, sql: "SELECT id FROM camera"))
            )
        }
        var problems: [ImportProblem] = []
        let grids = files.grids.map { parseGrids($0, existing: existing.grids, problems: &problems) } ?? []
        let locations = files.locations.map { parseKeyLocations($0, problems: &problems) } ?? []
        let cameras = files.cameras.map { parseCameras($0, problems: &problems) } ?? []
        let knownCameras = existing.cameras.union(cameras.map(\.id.rawValue))
        let sensors = files.sensors.map { parseSensors($0, knownCameras: knownCameras, problems: &problems) } ?? []
        guard problems.isEmpty else {
            throw RegistryError(
                .importRejected,
                "import rejected: \(problems.count) problem\(problems.count == 1 ? "" : "s"), nothing was written",
                problems: problems)
        }

        var summary = ImportSummary(dryRun: dryRun)
        do {
            try database.inTransaction { db in
                try write(db, grids: grids, locations: locations, cameras: cameras, sensors: sensors, into: &summary)
                guard !dryRun else { return .rollback }
                try audited { [summary] in try audit(summary) }
                return .commit
            }
            if !dryRun { noteCommit() }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.storeFailed, "import failed while writing, nothing was written: \(error)")
        }
        return summary
    }

    /// Adds or updates every parsed row and feature in one transaction, counting what was added and updated, then
    /// recomputes every link.
    private func write(
        _ db: Database, grids: [Grid], locations: [KeyLocation], cameras: [Camera], sensors: [Sensor],
        into summary: inout ImportSummary
    ) throws {
        func exists(_ table: String, _ id: String) throws -> Bool {
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(table) WHERE id = ?)"), arguments: [id])!
        }
        func count(_ counts: inout ImportCounts, existed: Bool) {
            if existed { counts.updated += 1 } else { counts.added += 1 }
        }
        // Parents before children: a parent's level is always coarser.
        for grid in grids.sorted(by: { ($0.level.depth, $0.id) < ($1.level.depth, $1.id) }) {
            count(&summary.grids, existed: try exists("grid", grid.id))
            try db.execute(
                sql: """
                    INSERT INTO grid (id, name, level, parent_id, geometry) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, parent_id = excluded.parent_id,
                        geometry = excluded.geometry
                    """,
                arguments: [
                    grid.id, grid.name, grid.level.rawValue, grid.parentID,
                    try GeoJSON.encode(geometry: .area(grid.area)),
                ])
        }
        for location in locations {
            count(&summary.keyLocations, existed: try exists("key_location", location.id))
            try db.execute(
                sql: """
                    INSERT INTO key_location (id, name, category, geometry, alert_radius) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = excluded.category, geometry = excluded.geometry,
                        alert_radius = excluded.alert_radius
                    """,
                arguments: [
                    location.id, location.name, location.category.rawValue,
                    try GeoJSON.encode(geometry: location.geometry), location.alertRadius,
                ])
        }
        for camera in cameras {
            count(&summary.cameras, existed: try exists("camera", camera.id.rawValue))
            if try !upsert(db, camera).isEmpty { summary.credentialsDropped.append(camera.id.rawValue) }
        }
        for sensor in sensors {
            count(&summary.sensors, existed: try exists("sensor", sensor.id.rawValue))
            try upsert(db, sensor)
        }
        try linker(db).relinkAll(db)
        summary.camerasOutsideGrids =
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM camera WHERE grid_id IS NULL AND longitude IS NOT NULL") ?? 0
    }

}

/// Runs `body`, turning a thrown error into a report for `column`; nil when it threw.
@discardableResult
func checked<T>(_ column: String, _ report: (String, String) -> Void, _ body: () throws -> T) -> T? {
    do { return try body() } catch let error as RegistryError {
        report(column, error.message)
    } catch let error as GeoError {
        report(column, error.message)
    } catch {
        report(column, "\(error)")
    }
    return nil
}
