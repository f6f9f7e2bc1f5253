import Foundation
internal import GRDB
import MediaIO

/// The service's published view of its cameras, for `skygate status` and other processes: one JSON document per
/// camera and one for the service, replaced together every second or so by the running service.
///
/// JSON rather than columns because the status grows with every module that reports into it, and nothing queries
/// inside it; the history that is queried lives in `HealthLog` and `RecordingIndex`.
public struct StatusStore: Sendable {
    let store: ArchiveDatabase

    public init(store: ArchiveDatabase) { self.store = store }

    /// Milliseconds matter (keyframe times): ISO 8601 with fractional seconds; keys sorted.
    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = TimeText.encoding
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = TimeText.decoding
        return decoder
    }

    /// Replaces the whole status: the service document and every camera's (cameras not given are removed).
    public func publish<Service: Encodable, Camera: Encodable>(service: Service, cameras: [String: Camera]) throws {
        let encoder = Self.encoder
        let serviceJSON = String(decoding: try encoder.encode(service), as: UTF8.self)
        let cameraJSON = try cameras.mapValues { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try store.write("publish the status") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO service_status (id, status) VALUES (1, ?)", arguments: [serviceJSON])
            try db.execute(sql: "DELETE FROM camera_status")
            let statement = try db.cachedStatement(sql: "INSERT INTO camera_status (camera, status) VALUES (?, ?)")
            for (camera, json) in cameraJSON { try statement.execute(arguments: [camera, json]) }
        }
    }

    /// Replaces the patrol's published progress (a row of its own, beside the service's: the patrol publishes on its
    /// own thread and clock).
    public func publish<Progress: Encodable>(patrol progress: Progress) throws {
        let json = String(decoding: try Self.encoder.encode(progress), as: UTF8.self)
        try store.write("publish the patrol status") { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO patrol_status (id, status) VALUES (1, ?)", arguments: [json])
        }
    }

    /// The patrol's last published progress; nil when none was published.
    public func read<Progress: Decodable>(patrol: Progress.Type) throws -> Progress? {
        let json = try store.read("read the patrol status") { db in
            try String.fetchOne(db, sql: "SELECT status FROM patrol_status WHERE id = 1")
        }
        guard let json else { return nil }
        do { return try Self.decoder.decode(Progress.self, from: Data(json.utf8)) } catch {
            throw ArchiveError(.storeFailed, "the patrol status in '\(store.path)' cannot be read", underlying: "\(error)")
        }
    }

    /// The last published status, decoded; nil when no service has published one.
    public func read<Service: Decodable, Camera: Decodable>(service: Service.Type, camera: Camera.Type) throws -> (
        service: Service, cameras: [String: Camera]
    )? {
        let (serviceJSON, rows) = try store.read("read the status") { db -> (String?, [(String, String)]) in
            let service = try String.fetchOne(db, sql: "SELECT status FROM service_status WHERE id = 1")
            let rows = try Row.fetchAll(db, sql: "SELECT camera, status FROM camera_status").map {
                (row: Row) -> (String, String) in (row["camera"], row["status"])
            }
            return (service, rows)
        }
        guard let serviceJSON else { return nil }
        let decoder = Self.decoder
        do {
            let service = try decoder.decode(Service.self, from: Data(serviceJSON.utf8))
            var cameras: [String: Camera] = [:]
            for (camera, json) in rows { cameras[camera] = try decoder.decode(Camera.self, from: Data(json.utf8)) }
            return (service, cameras)
        } catch {
            throw ArchiveError(.storeFailed, "the status in '\(store.path)' cannot be read", underlying: "\(error)")
        }
    }
}
