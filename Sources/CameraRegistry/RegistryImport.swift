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
        "id", "name", "main_url", "sub_url", "longitude", "latitude", "datum", "vendor", "model", "enabled", "tags", "purpose",
        "retention_days",
    ]
    static let sensorColumns = ["id", "name", "kind", "longitude", "latitude", "datum", "camera_id"]
}

extension Registry {
    /// Imports the registry files present in `directory`: all or nothing, upserting by ID. Every invalid row or
    /// feature is reported (file, line or feature, column, reason) and then nothing is written.
    public func importDirectory(_ directory: String, dryRun: Bool = false) throws -> ImportSummary {
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
        let summary = try importFiles(contents, dryRun: dryRun)
        logger.info("registry imported", metadata: ["directory": "\(directory)", "dry_run": "\(dryRun)"])
        return summary
    }

    /// Imports registry files given by name (`RegistryFiles`) and contents, with the rules of `importDirectory`.
    public func importFiles(_ contents: [String: Data], dryRun: Bool = false) throws -> ImportSummary {
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
                return dryRun ? .rollback : .commit
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

    // MARK: - CSV

    /// Maps a CSV file's header to column positions, reporting unknown and missing columns.
    private func columns(
        _ records: [CSVRecord], file: String, allowed: [String], required: [String], problems: inout [ImportProblem]
    ) -> [String: Int]? {
        guard let header = records.first else {
            problems.append(ImportProblem(file: file, line: 1, reason: "the file has no header line"))
            return nil
        }
        var positions: [String: Int] = [:]
        for (index, name) in header.fields.enumerated() {
            let column = name.trimmingCharacters(in: .whitespaces)
            if !allowed.contains(column) {
                problems.append(
                    ImportProblem(
                        file: file, line: header.line, column: column,
                        reason: "unknown column (expected \(allowed.joined(separator: ", ")))"))
            } else if positions[column] != nil {
                problems.append(ImportProblem(file: file, line: header.line, column: column, reason: "column appears twice"))
            } else {
                positions[column] = index
            }
        }
        for column in required where positions[column] == nil {
            problems.append(ImportProblem(file: file, line: header.line, column: column, reason: "required column is missing"))
        }
        return required.allSatisfy { positions[$0] != nil } ? positions : nil
    }

    /// Reads the rows of a CSV file through `parse`, reporting wrong field counts, duplicate IDs and every
    /// problem `parse` throws, with the row's line.
    private func rows<T>(
        _ data: Data, file: String, allowed: [String], required: [String], problems: inout [ImportProblem],
        id: (T) -> String, parse: (_ field: (String) -> String, _ report: (String, String) -> Void) throws -> T?
    ) -> [T] {
        let (records, readProblems) = CSVRecords.read(data, file: file)
        problems += readProblems
        guard let positions = columns(records, file: file, allowed: allowed, required: required, problems: &problems) else {
            return []
        }
        let width = records[0].fields.count
        var parsed: [T] = []
        var firstLine: [String: Int] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == width else {
                problems.append(
                    ImportProblem(
                        file: file, line: record.line, reason: "has \(record.fields.count) fields, the header has \(width)"))
                continue
            }
            var rowProblems: [ImportProblem] = []
            let field = { (name: String) in positions[name].map { record.fields[$0] } ?? "" }
            let report = { (column: String, reason: String) in
                rowProblems.append(ImportProblem(file: file, line: record.line, column: column, reason: reason))
            }
            do {
                if let value = try parse(field, report), rowProblems.isEmpty {
                    if let first = firstLine[id(value)] {
                        report("id", "duplicate ID '\(id(value))', first on line \(first)")
                    } else {
                        firstLine[id(value)] = record.line
                        parsed.append(value)
                    }
                }
            } catch {
                report("", "\(error)")
            }
            problems += rowProblems
        }
        return parsed
    }

    private func parseCameras(_ data: Data, problems: inout [ImportProblem]) -> [Camera] {
        rows(
            data, file: RegistryFiles.cameras, allowed: RegistryFiles.cameraColumns, required: ["id", "name", "main_url"],
            problems: &problems,
            id: { $0.id.rawValue }
        ) { field, report in
            let id = checked("id", report) { try DeviceID(field("id"), lenient: lenientIDs) }
            let name = field("name")
            checked("name", report) { try validateText(name, field: "name") }
            let main = checked("main_url", report) { try endpoint(field("main_url")) }
            let sub = field("sub_url").isEmpty ? nil : checked("sub_url", report) { try endpoint(field("sub_url")) }
            let (location, converted) = position(field, report)
            let enabled = checked("enabled", report) { try flag(field("enabled")) } ?? true
            let retention =
                field("retention_days").isEmpty
                ? 30 : checked("retention_days", report) { try days(field("retention_days")) } ?? 30
            let tags = field("tags").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for (column, value) in [("vendor", field("vendor")), ("model", field("model")), ("purpose", field("purpose"))] {
                checked(column, report) { try validateText(value, field: column, required: false) }
            }
            for tag in tags { checked("tags", report) { try validateText(tag, field: "tag") } }
            guard let id, let main else { return nil }
            let camera = Camera(
                id: id, name: name, mainStream: main, subStream: sub, location: location, convertedFromGCJ02: converted,
                vendor: field("vendor"), model: field("model"), enabled: enabled, tags: tags, purpose: field("purpose"),
                retentionDays: retention)
            checked("", report) { try validate(camera) }
            return camera
        }
    }

    private func parseSensors(_ data: Data, knownCameras: Set<String>, problems: inout [ImportProblem]) -> [Sensor] {
        rows(
            data, file: RegistryFiles.sensors, allowed: RegistryFiles.sensorColumns, required: ["id", "name", "kind"],
            problems: &problems,
            id: { $0.id.rawValue }
        ) { field, report in
            let id = checked("id", report) { try DeviceID(field("id"), lenient: lenientIDs) }
            let name = field("name")
            checked("name", report) { try validateText(name, field: "name") }
            let kind = SensorKind(rawValue: field("kind"))
            if kind == nil {
                report(
                    "kind",
                    "'\(field("kind").prefix(40))' is not one of \(SensorKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let (location, converted) = position(field, report)
            var camera: DeviceID? = nil
            if !field("camera_id").isEmpty {
                camera = checked("camera_id", report) { try DeviceID(field("camera_id"), lenient: true) }
                if let camera, !knownCameras.contains(camera.rawValue) {
                    report("camera_id", "camera \(camera) is not registered")
                }
            }
            if location == nil && camera == nil && field("longitude").isEmpty {
                report("longitude", "a sensor needs a position or a camera_id")
            }
            guard let id, let kind else { return nil }
            return Sensor(id: id, name: name, kind: kind, location: location, convertedFromGCJ02: converted, cameraID: camera)
        }
    }

    private func endpoint(_ text: String) throws -> StreamEndpoint { try streamEndpoint(text) }

    /// Longitude, latitude and datum: both coordinates or neither; GCJ-02 converted to WGS-84 and flagged.
    private func position(_ field: (String) -> String, _ report: (String, String) -> Void) -> (Coordinate?, Bool) {
        let (longitudeText, latitudeText, datum) = (field("longitude"), field("latitude"), field("datum").lowercased())
        if longitudeText.isEmpty && latitudeText.isEmpty { return (nil, false) }
        guard let longitude = Double(longitudeText), longitude.isFinite else {
            report("longitude", "'\(longitudeText.prefix(40))' is not a number")
            return (nil, false)
        }
        guard let latitude = Double(latitudeText), latitude.isFinite else {
            report("latitude", "'\(latitudeText.prefix(40))' is not a number")
            return (nil, false)
        }
        guard let point = checked("longitude", report, { try Coordinate(longitude: longitude, latitude: latitude) }) else {
            return (nil, false)
        }
        switch datum {
        case "", "wgs84": return (point, false)
        case "wgs84-from-gcj02": return (point, true)
        case "gcj02": return (GCJ02.toWGS84(point), true)
        default:
            report("datum", "'\(datum.prefix(40))' is not wgs84, gcj02 or wgs84-from-gcj02")
            return (nil, false)
        }
    }

    private func flag(_ text: String) throws -> Bool {
        switch text.lowercased() {
        case "", "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw RegistryError(.invalid, "'\(text.prefix(40))' is not true or false")
        }
    }

    private func days(_ text: String) throws -> Int {
        guard let value = Int(text), (1...3650).contains(value) else {
            throw RegistryError(.invalid, "'\(text.prefix(40))' is not a whole number of days from 1 to 3650")
        }
        return value
    }

    // MARK: - GeoJSON

    private func features(_ data: Data, file: String, problems: inout [ImportProblem]) -> [GeoJSONFeature] {
        do {
            let (features, featureProblems) = try GeoJSON.read(data)
            problems += featureProblems.map { ImportProblem(file: file, feature: $0.number, reason: $0.description) }
            var seen: [String: Int] = [:]
            return features.filter { feature in
                guard let id = feature.id else {
                    problems.append(
                        ImportProblem(
                            file: file, feature: feature.number, column: "id", reason: "feature \(feature.number) has no id"))
                    return false
                }
                if let first = seen[id] {
                    problems.append(
                        ImportProblem(
                            file: file, feature: feature.number, column: "id",
                            reason: "duplicate id '\(id)', first in feature \(first)"))
                    return false
                }
                seen[id] = feature.number
                return true
            }
        } catch let error as GeoError {
            problems.append(ImportProblem(file: file, line: error.line, reason: error.message))
            return []
        } catch {
            problems.append(ImportProblem(file: file, reason: "\(error)"))
            return []
        }
    }

    /// Reads the features of a GeoJSON file through `parse`, after the checks every feature shares (its id and name);
    /// each problem is reported with the feature's number. Returns what `parse` made, with the feature number.
    private func parsedFeatures<T>(
        _ data: Data, file: String, problems: inout [ImportProblem],
        parse: (_ feature: GeoJSONFeature, _ name: String, _ report: (String, String) -> Void) -> T?
    ) -> [(value: T, feature: Int)] {
        var parsed: [(value: T, feature: Int)] = []
        for feature in features(data, file: file, problems: &problems) {
            var featureProblems: [ImportProblem] = []
            let report = { (column: String, reason: String) in
                featureProblems.append(
                    ImportProblem(
                        file: file, feature: feature.number, column: column,
                        reason: "feature \(feature.number) (id \(feature.id!)): \(reason)"))
            }
            checked("id", report) { try validateAreaID(feature.id!, field: "id") }
            let name = feature.properties["name"]?.text ?? ""
            checked("name", report) { try validateText(name, field: "name") }
            let value = parse(feature, name, report)
            if featureProblems.isEmpty, let value { parsed.append((value, feature.number)) }
            problems += featureProblems
        }
        return parsed
    }

    private func parseGrids(_ data: Data, existing: [String: GridLevel], problems: inout [ImportProblem]) -> [Grid] {
        let file = RegistryFiles.grids
        let parsed = parsedFeatures(data, file: file, problems: &problems) { feature, name, report -> Grid? in
            let level = feature.properties["level"]?.text.flatMap(GridLevel.init(rawValue:))
            if level == nil {
                report("level", "level must be one of \(GridLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard case .area(let area) = feature.geometry else {
                report("geometry", "a grid needs a Polygon or MultiPolygon")
                return nil
            }
            let parent = feature.properties["parent"]?.text.flatMap { $0.isEmpty ? nil : $0 }
            return level.map { Grid(id: feature.id!, name: name, level: $0, parentID: parent, area: area) }
        }
        // Parents must exist (here or already) and be of a coarser level; that also rules out cycles.
        let levels = existing.merging(parsed.map { ($0.value.id, $0.value.level) }) { $1 }
        var valid: [Grid] = []
        for (grid, feature) in parsed {
            func report(_ reason: String) {
                problems.append(ImportProblem(file: file, feature: feature, column: "parent", reason: reason))
            }
            if let parent = grid.parentID {
                guard let parentLevel = levels[parent] else {
                    report("grid \(grid.id): parent '\(parent)' is not a grid")
                    continue
                }
                guard parentLevel < grid.level else {
                    report(
                        "grid \(grid.id) (\(grid.level.rawValue)): parent \(parent) is a \(parentLevel.rawValue), not a coarser level"
                    )
                    continue
                }
            } else if grid.level != .district {
                report("grid \(grid.id) is a \(grid.level.rawValue) and needs a parent")
                continue
            }
            valid.append(grid)
        }
        return valid
    }

    private func parseKeyLocations(_ data: Data, problems: inout [ImportProblem]) -> [KeyLocation] {
        parsedFeatures(data, file: RegistryFiles.keyLocations, problems: &problems) { feature, name, report -> KeyLocation? in
            let category = feature.properties["category"]?.text.flatMap(KeyLocationCategory.init(rawValue:))
            if category == nil {
                report(
                    "category", "category must be one of \(KeyLocationCategory.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let radius = feature.properties["radius_m"]?.number, radius.isFinite, (0...100_000).contains(radius) else {
                report("radius_m", "radius_m must be a number of metres from 0 to 100000")
                return nil
            }
            return category.map {
                KeyLocation(id: feature.id!, name: name, category: $0, geometry: feature.geometry, alertRadius: radius)
            }
        }.map(\.value)
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
