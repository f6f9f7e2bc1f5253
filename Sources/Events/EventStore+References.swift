public import Foundation
internal import GRDB

/// Reference pictures, one per camera at most, kept beside the events they shape.
extension EventStore {
    /// Sets (or replaces) a camera's reference picture.
    public func setReference(_ reference: ReferencePicture) throws {
        let body = String(decoding: try Self.encoder.encode(reference), as: UTF8.self)
        try write("set a reference picture") { db in
            try db.execute(
                sql: """
                    INSERT INTO reference_picture (camera, body) VALUES (?, ?)
                    ON CONFLICT (camera) DO UPDATE SET body = excluded.body
                    """,
                arguments: [reference.camera, body])
        }
    }

    /// Removes a camera's reference picture; false when it had none.
    @discardableResult
    public func clearReference(camera: String) throws -> Bool {
        try write("clear a reference picture") { db in
            try db.execute(sql: "DELETE FROM reference_picture WHERE camera = ?", arguments: [camera])
            return db.changesCount > 0
        }
    }

    /// A camera's reference picture, if one is set.
    public func reference(camera: String) throws -> ReferencePicture? {
        let body = try read("read a reference picture") { db in
            try String.fetchOne(db, sql: "SELECT body FROM reference_picture WHERE camera = ?", arguments: [camera])
        }
        return try body.map { try Self.decoder.decode(ReferencePicture.self, from: Data($0.utf8)) }
    }

    /// Every camera's reference picture, by camera.
    public func references() throws -> [String: ReferencePicture] {
        let bodies = try read("read the reference pictures") { db in
            try String.fetchAll(db, sql: "SELECT body FROM reference_picture")
        }
        let references = try bodies.map { try Self.decoder.decode(ReferencePicture.self, from: Data($0.utf8)) }
        return Dictionary(references.map { ($0.camera, $0) }) { _, last in last }
    }
}
