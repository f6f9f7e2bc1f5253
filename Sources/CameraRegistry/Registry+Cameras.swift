import Foundation
internal import GRDB
import Geo
import Logging
import Redaction

extension Registry {
    /// Cameras matching `filter`, by ID.
    public func cameras(_ filter: CameraFilter = CameraFilter()) throws -> [CameraRecord] {
        try read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let gridID = filter.gridID {
                conditions.append(
                    """
                    grid_id IN (WITH RECURSIVE below(id) AS (SELECT ? UNION ALL SELECT grid.id FROM grid JOIN below ON grid.parent_id = below.id)
                                SELECT id FROM below)
                    """)
                arguments += [gridID]
            }
            if let location = filter.keyLocationID {
                conditions.append(
                    "id IN (SELECT device_id FROM device_key_location WHERE device_kind = 'camera' AND location_id = ?)")
                arguments += [location]
            }
            if let tag = filter.tag {
                conditions.append("id IN (SELECT camera_id FROM camera_tag WHERE tag = ?)")
                arguments += [tag]
            }
            if let modes = filter.modes {
                conditions.append("mode IN (\(databaseQuestionMarks(count: modes.count)))")
                arguments += StatementArguments(modes.map(\.rawValue).sorted())
            }
            let filterSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let paths = GridPathCache()
            return try Row.fetchAll(db, sql: "SELECT * FROM camera \(filterSQL) ORDER BY id", arguments: arguments).map { row in
                try record(db, row, paths: paths)
            }
        }
    }

    /// Every camera's ID and mode, by ID: one query, without the links `cameras()` resolves.
    public func cameraModes() throws -> [(id: String, mode: CameraMode)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, mode FROM camera ORDER BY id").map { ($0["id"], try mode($0)) }
        }
    }

    /// Whether a camera with this ID exists (one indexed lookup; `camera(id:)` also resolves its grid path and links).
    public func hasCamera(id: String) throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM camera WHERE id = ?)", arguments: [id]) ?? false
        }
    }

    /// The camera with this ID, or nil.
    public func camera(id: String) throws -> CameraRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM camera WHERE id = ?", arguments: [id]).map { try record(db, $0) }
        }
    }

    /// Adds a new camera (its ID must be new) and links it.
    public func addCamera(_ camera: Camera, audit: () throws -> Void = {}) throws {
        try validate(camera)
        try write { db in
            guard
                try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM camera WHERE id = ?)", arguments: [camera.id.rawValue])!
            else {
                throw RegistryError(.invalid, "camera \(camera.id) already exists; use update")
            }
            try upsert(db, camera)
            try linker(db).relink(db, kind: "camera", id: camera.id.rawValue)
            try audited(audit)
        }
        logger.info("camera added", metadata: ["camera": "\(camera.id)"])
    }

    /// Replaces an existing camera's fields and relinks it. A stream URL without credentials keeps the stored ones only
    /// while its scheme, host and port stay those they were given for; returns the streams whose credentials were
    /// dropped because their URL now points elsewhere.
    @discardableResult
    public func updateCamera(_ camera: Camera, audit: ([StreamRole]) throws -> Void = { _ in }) throws -> [StreamRole] {
        try validate(camera)
        let dropped = try write { db -> [StreamRole] in
            guard
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM camera WHERE id = ?)", arguments: [camera.id.rawValue])!
            else {
                throw RegistryError(.notFound, "no camera \(camera.id)")
            }
            let dropped = try upsert(db, camera)
            try linker(db).relink(db, kind: "camera", id: camera.id.rawValue)
            try audited { try audit(dropped) }
            return dropped
        }
        var metadata: Logger.Metadata = ["camera": "\(camera.id)"]
        if !dropped.isEmpty { metadata["credentialsDropped"] = "\(dropped.map(\.rawValue).joined(separator: ","))" }
        logger.info("camera updated", metadata: metadata)
        return dropped
    }

    /// Removes a camera, its tags and its links; sensors that sat with it keep their own position, if any.
    public func removeCamera(id: String, audit: () throws -> Void = {}) throws {
        try write { db in
            guard try deleteCamera(db, id: id) else { throw RegistryError(.notFound, "no camera \(id)") }
            try audited(audit)
        }
        logger.info("camera removed", metadata: ["camera": "\(id)"])
    }

    /// Deletes a camera's row and links; false when there was none.
    func deleteCamera(_ db: Database, id: String) throws -> Bool {
        // The sensors placed by this camera lose their position with it; only they need linking again.
        let seated = try String.fetchAll(db, sql: "SELECT id FROM sensor WHERE camera_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM device_key_location WHERE device_kind = 'camera' AND device_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM camera WHERE id = ?", arguments: [id])
        guard db.changesCount > 0 else { return false }
        let linker = try linker(db)
        for sensor in seated { try linker.relink(db, kind: "sensor", id: sensor) }
        return true
    }

    /// Sets one camera's mode.
    public func setMode(_ mode: CameraMode, cameraID id: String, audit: () throws -> Void = {}) throws {
        try write { db in
            try db.execute(sql: "UPDATE camera SET mode = ? WHERE id = ?", arguments: [mode.rawValue, id])
            guard db.changesCount > 0 else { throw RegistryError(.notFound, "no camera \(id)") }
            try audited(audit)
        }
        logger.info("camera mode set", metadata: ["camera": "\(id)", "mode": "\(mode.rawValue)"])
    }

    /// Sets the mode of every camera of a grid and of the grids below it, in one transaction; returns how many cameras
    /// changed mode (those already in it are not counted).
    @discardableResult
    public func setMode(_ mode: CameraMode, gridID: String, audit: (Int) throws -> Void = { _ in }) throws -> Int {
        let changed = try write { db -> Int in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM grid WHERE id = ?)", arguments: [gridID])! else {
                throw RegistryError(.notFound, "no grid \(gridID)")
            }
            try db.execute(
                sql: """
                    UPDATE camera SET mode = ?
                    WHERE mode != ? AND grid_id IN (
                        WITH RECURSIVE below(id) AS (SELECT ? UNION ALL SELECT grid.id FROM grid JOIN below ON grid.parent_id = below.id)
                        SELECT id FROM below)
                    """,
                arguments: [mode.rawValue, mode.rawValue, gridID])
            let changed = db.changesCount
            try audited { try audit(changed) }
            return changed
        }
        logger.info("grid camera mode set", metadata: ["grid": "\(gridID)", "mode": "\(mode.rawValue)", "changed": "\(changed)"])
        return changed
    }

    /// A stored mode; an unknown value (a newer binary's) is an error rather than a guess.
    func mode(_ row: Row) throws -> CameraMode {
        let text: String = row["mode"]
        guard let mode = CameraMode(rawValue: text) else {
            throw RegistryError(.invalid, "camera \(row["id"] as String) has an unknown mode '\(text)'")
        }
        return mode
    }

    /// Parses a stream URL for registration: the URL policy first (so a refused scheme is named as such), then the
    /// split of credentials from the URL.
    public func streamEndpoint(_ text: String) throws -> StreamEndpoint {
        if Self.gbChannelURLParts(text) != nil { return StreamEndpoint(url: text, username: nil, password: nil) }
        do { try validateURL(text) } catch {
            throw RegistryError(.invalid, "stream URL '\(StreamEndpoint.redact(text))' refused: \(error)")
        }
        return try StreamEndpoint(parsing: text)
    }

    /// - Parameter checkingURLs: false for cameras whose URL the registry made itself (GB/T 28181 channels), which
    ///   no URL policy for cameras of one's own lists.
    func validate(_ camera: Camera, checkingURLs: Bool = true) throws {
        if camera.id.code == nil && !lenientIDs {
            throw RegistryError(.invalid, "camera ID '\(camera.id)' is not a GB/T 28181 ID (use --lenient-id for other schemes)")
        }
        try validateText(camera.name, field: "name")
        for (field, value) in [("vendor", camera.vendor), ("model", camera.model), ("purpose", camera.purpose)] {
            try validateText(value, field: field, required: false)
        }
        for tag in camera.tags {
            try validateText(tag, field: "tag")
            guard !tag.contains(";") else { throw RegistryError(.invalid, "tag '\(tag)' contains ';', the tag separator") }
        }
        guard (1...3650).contains(camera.retentionDays) else {
            throw RegistryError(.invalid, "retention of \(camera.retentionDays) days is outside 1…3650")
        }
        for endpoint in [camera.mainStream] + (camera.subStream.map { [$0] } ?? []) where checkingURLs {
            // A GB/T 28181 channel's own URL (what its catalog gives it) stays valid through updates, so that its
            // transport can be pinned and its mode set; a channel may also be registered before its catalog.
            if let channel = Self.gbChannelURLParts(endpoint.url)?.channel {
                guard channel == camera.id.rawValue else {
                    throw RegistryError(
                        .invalid, "stream URL '\(endpoint.url)' names channel \(channel), not this camera (\(camera.id))")
                }
                continue
            }
            do { try validateURL(endpoint.url) } catch {
                throw RegistryError(.invalid, "stream URL '\(endpoint.redacted)' refused: \(error)")
            }
        }
    }

    /// Writes a camera's row and tags. Credentials already stored are kept when the new endpoint has none and still
    /// points at the origin they were given for; returns the streams whose stored credentials were dropped because the
    /// URL now points at another scheme, host or port (whoever changes a URL must not receive its password).
    @discardableResult
    func upsert(_ db: Database, _ camera: Camera) throws -> [StreamRole] {
        let stored = try Row.fetchOne(
            db, sql: "SELECT main_url, main_secret, sub_url, sub_secret FROM camera WHERE id = ?",
            arguments: [camera.id.rawValue])
        var dropped: [StreamRole] = []
        /// A URL given back as it was shown (secrets as `***`: an export re-imported, a form saved unchanged) means the
        /// stored one.
        func url(_ endpoint: StreamEndpoint?, _ role: StreamRole) -> String? {
            guard let endpoint else { return nil }
            guard let stored = stored?["\(role.rawValue)_url"] as String?, URLRedaction.isShownForm(endpoint.url, of: stored)
            else { return endpoint.url }
            return stored
        }
        func secret(_ endpoint: StreamEndpoint?, _ role: StreamRole) throws -> Data? {
            guard let endpoint else { return nil }
            if let sealed = try vault.seal(username: endpoint.username, password: endpoint.password) { return sealed }
            guard let stored, let secret: Data = stored["\(role.rawValue)_secret"] else { return nil }
            let storedURL: String? = stored["\(role.rawValue)_url"]
            guard let storedURL, let origin = StreamOrigin(url: storedURL), origin == endpoint.origin else {
                dropped.append(role)
                return nil
            }
            return secret
        }
        let (mainURL, subURL) = (url(camera.mainStream, .main), url(camera.subStream, .sub))
        let mainSecret = try secret(camera.mainStream, .main)
        let subSecret = try secret(camera.subStream, .sub)
        try db.cachedStatement(
            sql: """
                INSERT INTO camera (id, name, main_url, main_secret, sub_url, sub_secret, longitude, latitude, from_gcj02, vendor, model,
                                    mode, purpose, retention_days, rtsp_transport)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, main_url = excluded.main_url, main_secret = excluded.main_secret,
                    sub_url = excluded.sub_url, sub_secret = excluded.sub_secret, longitude = excluded.longitude,
                    latitude = excluded.latitude, from_gcj02 = excluded.from_gcj02, vendor = excluded.vendor, model = excluded.model,
                    mode = excluded.mode, purpose = excluded.purpose, retention_days = excluded.retention_days,
                    rtsp_transport = excluded.rtsp_transport
                """
        ).execute(
            arguments: [
                camera.id.rawValue, camera.name, mainURL, mainSecret, subURL, subSecret,
                camera.location?.longitude, camera.location?.latitude, camera.convertedFromGCJ02, camera.vendor, camera.model,
                camera.mode.rawValue, camera.purpose, camera.retentionDays, camera.rtspTransport?.rawValue,
            ])
        try db.cachedStatement(sql: "DELETE FROM camera_tag WHERE camera_id = ?").execute(arguments: [camera.id.rawValue])
        let insertTag = try db.cachedStatement(sql: "INSERT INTO camera_tag (camera_id, tag) VALUES (?, ?)")
        for tag in camera.tags { try insertTag.execute(arguments: [camera.id.rawValue, tag]) }
        return dropped
    }

    func record(_ db: Database, _ row: Row, paths: GridPathCache = GridPathCache()) throws -> CameraRecord {
        let id: String = row["id"]
        let main = try vault.open(row["main_secret"])
        let sub = try vault.open(row["sub_secret"])
        let subURL: String? = row["sub_url"]
        var location: Coordinate? = nil
        if let longitude: Double = row["longitude"], let latitude: Double = row["latitude"] {
            location = try Coordinate(longitude: longitude, latitude: latitude)
        }
        let camera = Camera(
            id: DeviceID(stored: id), name: row["name"],
            mainStream: StreamEndpoint(url: row["main_url"], username: main.username, password: main.password),
            subStream: subURL.map { StreamEndpoint(url: $0, username: sub.username, password: sub.password) }, location: location,
            convertedFromGCJ02: row["from_gcj02"], vendor: row["vendor"], model: row["model"], mode: try mode(row),
            tags: try String.fetchAll(db, sql: "SELECT tag FROM camera_tag WHERE camera_id = ? ORDER BY tag", arguments: [id]),
            purpose: row["purpose"], retentionDays: row["retention_days"],
            rtspTransport: (row["rtsp_transport"] as String?).flatMap(RTSPTransport.init(rawValue:)))
        return CameraRecord(
            camera: camera, gridPath: try path(db, to: row["grid_id"], cache: paths),
            keyLocations: try links(db, kind: "camera", id: id))
    }
}
