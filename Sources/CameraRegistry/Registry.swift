import FileLocking
import Foundation
internal import GRDB
public import Geo
import Logging
import Synchronization

/// A grid as it appears in a path: enough to show and to look up.
public struct GridSummary: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var level: GridLevel

    public init(id: String, name: String, level: GridLevel) {
        self.id = id
        self.name = name
        self.level = level
    }
}

/// A point in the registry's history: compare two to learn whether anything changed between them.
public struct RegistryVersion: Sendable, Hashable {
    /// SQLite's `data_version` on the registry's connection: moves when another connection commits.
    let external: Int
    /// Commits made through this process's `Registry`.
    let own: Int

    /// A version no registry reports: the first comparison always finds a change.
    public static let unknown = RegistryVersion(external: -1, own: -1)
}

/// A camera with what linking found for it.
public struct CameraRecord: Sendable, Hashable {
    public var camera: Camera
    /// The finest grid containing the camera and its ancestors, district first; empty when it lies in no grid.
    public var gridPath: [GridSummary]
    public var keyLocations: [KeyLocationLink]
}

/// A sensor with what linking found for it.
public struct SensorRecord: Sendable, Hashable {
    public var sensor: Sensor
    public var gridPath: [GridSummary]
    public var keyLocations: [KeyLocationLink]
}

/// Which cameras a list shows; every condition given must hold.
public struct CameraFilter: Sendable {
    /// Cameras in this grid or any grid below it.
    public var gridID: String?
    /// Cameras linked to this key location.
    public var keyLocationID: String?
    public var tag: String?
    /// Cameras in one of these modes (nil: any mode).
    public var modes: Set<CameraMode>?

    public init(gridID: String? = nil, keyLocationID: String? = nil, tag: String? = nil, modes: Set<CameraMode>? = nil) {
        self.gridID = gridID
        self.keyLocationID = keyLocationID
        self.tag = tag
        self.modes = modes
    }
}

/// The camera registry of one data directory: `registry.sqlite` (WAL, shared by the CLI and the service) and the
/// key that encrypts camera credentials, `secrets/registry.key`.
public final class Registry: Sendable {
    let database: DatabaseQueue
    let vault: CredentialVault
    let validateURL: StreamURLValidator
    /// Accept device IDs that are not GB/T 28181 codes.
    public let lenientIDs: Bool
    let logger = Logger(label: "skygate.registry")
    /// Commits made through this `Registry`: `PRAGMA data_version` does not move for them (see `version()`).
    private let ownCommits = Atomic<Int>(0)

    /// Opens (creating if needed) the registry in `dataDirectory`. `validateURL` decides which stream URLs may be
    /// registered.
    public init(dataDirectory: String, lenientIDs: Bool = false, validateURL: @escaping StreamURLValidator) throws {
        self.lenientIDs = lenientIDs
        self.validateURL = validateURL
        let path = (dataDirectory as NSString).appendingPathComponent("registry.sqlite")
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw RegistryError(
                .storeFailed, "cannot create the data directory '\(dataDirectory)': \(error.localizedDescription)")
        }
        vault = try CredentialVault(keyFile: (dataDirectory as NSString).appendingPathComponent("secrets/registry.key"))
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            // Under the migration lock too: two processes turning a new file to WAL at once get SQLITE_BUSY, which
            // the busy timeout does not cover.
            try MigrationLock.holding(forDatabaseAt: path) {
                try database.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
                try RegistrySchema.migrator.migrate(database)
            }
        } catch {
            throw RegistryError(.storeFailed, "cannot open the registry '\(path)': \(error)")
        }
    }

    // MARK: - Transactions

    /// Runs a caller's audit inside the transaction of its change, after the change and before the commit: a change
    /// that cannot be audited is rolled back (fail closed). The audit trail is another SQLite file, and two WAL files
    /// commit one after the other, so only a failed registry commit after a written audit row leaves a row for a
    /// change not made; never a change without its row.
    func audited(_ audit: () throws -> Void) throws {
        do { try audit() } catch let error as RegistryError { throw error } catch {
            throw RegistryError(.storeFailed, "cannot write the audit trail, so nothing was changed: \(error)")
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            let result = try database.write(body)
            noteCommit()
            return result
        } catch let error as RegistryError { throw error } catch {
            throw RegistryError(.storeFailed, "registry write failed: \(error)")
        }
    }

    /// Moves `version()` for a commit made on this connection.
    func noteCommit() { ownCommits.add(1, ordering: .releasing) }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try database.read(body) } catch let error as RegistryError { throw error } catch {
            throw RegistryError(.storeFailed, "registry read failed: \(error)")
        }
    }

    /// The linker for the grids and key locations in the database now.
    func linker(_ db: Database) throws -> Linker {
        Linker(grids: try fetchGrids(db), locations: try fetchKeyLocations(db))
    }

    // MARK: - Grids and key locations

    /// Every grid, coarsest level first, then by ID.
    public func grids() throws -> [Grid] { try read(fetchGrids) }

    /// The grid with this ID.
    public func grid(id: String) throws -> Grid? { try read { db in try fetchGrids(db).first { $0.id == id } } }

    /// The grid and its ancestors, district first.
    public func gridPath(to id: String) throws -> [GridSummary] { try read { db in try path(db, to: id) } }

    /// Every key location, by ID.
    public func keyLocations() throws -> [KeyLocation] { try read(fetchKeyLocations) }

    /// Key locations whose distance from `point` is at most `radius` metres, or at most their own alert radius when
    /// `radius` is nil; nearest first.
    public func keyLocations(near point: Coordinate, radius: Double?) throws -> [(location: KeyLocation, distance: Double)] {
        try keyLocations().compactMap { location in
            let distance = location.distance(from: point)
            return distance <= (radius ?? location.alertRadius) ? (location, distance) : nil
        }.sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.location.id < $1.location.id }
    }

    func fetchGrids(_ db: Database) throws -> [Grid] {
        try Row.fetchAll(db, sql: "SELECT * FROM grid").map { row in
            Grid(
                id: row["id"], name: row["name"], level: GridLevel(rawValue: row["level"]) ?? .grid, parentID: row["parent_id"],
                area: try Registry.area(row["geometry"]))
        }.sorted { ($0.level.depth, $0.id) < ($1.level.depth, $1.id) }
    }

    func fetchKeyLocations(_ db: Database) throws -> [KeyLocation] {
        try Row.fetchAll(db, sql: "SELECT * FROM key_location ORDER BY id").map { row in
            KeyLocation(
                id: row["id"], name: row["name"], category: KeyLocationCategory(rawValue: row["category"]) ?? .other,
                geometry: try GeoJSON.decode(geometry: row["geometry"]), alertRadius: row["alert_radius"])
        }
    }

    static func area(_ text: String) throws -> Area {
        guard case .area(let area) = try GeoJSON.decode(geometry: text) else {
            throw RegistryError(.storeFailed, "a stored grid geometry is not an area")
        }
        return area
    }

    /// Grid paths already walked during one listing: every camera of a grid shares its path, so a list of thousands
    /// walks each grid's ancestry once instead of once per row.
    final class GridPathCache {
        var paths: [String: [GridSummary]] = [:]
    }

    /// The grid path of `id`, walked once per grid for the life of `cache`.
    func path(_ db: Database, to id: String?, cache: GridPathCache) throws -> [GridSummary] {
        guard let id else { return [] }
        if let known = cache.paths[id] { return known }
        let found = try path(db, to: id)
        cache.paths[id] = found
        return found
    }

    func path(_ db: Database, to id: String?) throws -> [GridSummary] {
        var path: [GridSummary] = []
        var next = id
        var seen = Set<String>()
        while let current = next, seen.insert(current).inserted,
            let row = try Row.fetchOne(db, sql: "SELECT id, name, level, parent_id FROM grid WHERE id = ?", arguments: [current])
        {
            path.insert(GridSummary(id: row["id"], name: row["name"], level: GridLevel(rawValue: row["level"]) ?? .grid), at: 0)
            next = row["parent_id"]
        }
        return path
    }

    func links(_ db: Database, kind: String, id: String) throws -> [KeyLocationLink] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT l.id, l.name, l.category, d.distance FROM device_key_location d JOIN key_location l ON l.id = d.location_id
                WHERE d.device_kind = ? AND d.device_id = ? ORDER BY d.distance, l.id
                """,
            arguments: [kind, id]
        ).map { row in
            KeyLocationLink(
                locationID: row["id"], name: row["name"], category: KeyLocationCategory(rawValue: row["category"]) ?? .other,
                distance: row["distance"])
        }
    }

    /// The registry's version: it moves whenever a change is committed, through this `Registry` (the API, an import in
    /// this process) or by another process (the CLI); cheap enough to poll several times a second.
    ///
    /// SQLite's `PRAGMA data_version` moves only for commits of *other* connections, so the gateway's own writes (on
    /// this connection) were never seen by ingest or the event engine; this `Registry` counts its own commits beside it.
    public func version() throws -> RegistryVersion {
        let external = try read { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        return RegistryVersion(external: external, own: ownCommits.load(ordering: .acquiring))
    }

    /// SQLite's own consistency check: "ok" when sound.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}
