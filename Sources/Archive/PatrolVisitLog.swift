public import Foundation
internal import GRDB
import MediaIO

/// The patrol visits of every camera: appended as visits end, read for status, the next round's order and reports;
/// trimmed by retention like the health history.
public struct PatrolVisitLog: Sendable {
    let store: ArchiveDatabase

    public init(store: ArchiveDatabase) { self.store = store }

    /// Appends visits in one transaction.
    public func append(_ visits: [PatrolVisit]) throws {
        let encoder = JSONEncoder()
        let rows = try visits.map { visit -> StatementArguments in
            [
                visit.camera, visit.startedAt.timeIntervalSince1970, visit.duration, visit.outcome.rawValue, visit.reason,
                String(decoding: try encoder.encode(visit.keyframes), as: UTF8.self),
                try visit.stream.map { String(decoding: try encoder.encode($0), as: UTF8.self) },
            ]
        }
        try store.insert(
            "record patrol visits",
            sql:
                "INSERT INTO patrol_visit (camera, started_at, duration, outcome, reason, keyframes, stream) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows: rows)
    }

    /// A camera's visits (or every camera's, with nil) that began between two times, oldest first.
    public func visits(camera: String?, from: Date = .distantPast, to: Date = .distantFuture) throws -> [PatrolVisit] {
        try store.read("query patrol visits") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM patrol_visit WHERE (?1 IS NULL OR camera = ?1) AND started_at BETWEEN ?2 AND ?3
                    ORDER BY started_at, rowid
                    """,
                arguments: [camera, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map(Self.visit(from:))
        }
    }

    /// A camera's latest visit, if it had one.
    public func latest(camera: String) throws -> PatrolVisit? {
        try store.read("query patrol visits") { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM patrol_visit WHERE camera = ? ORDER BY started_at DESC, rowid DESC LIMIT 1",
                arguments: [camera]
            ).map(Self.visit(from:))
        }
    }

    /// Each camera's latest visit, by camera.
    public func latest() throws -> [String: PatrolVisit] {
        try store.read("query patrol visits") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM patrol_visit AS v WHERE rowid = (
                        SELECT rowid FROM patrol_visit WHERE camera = v.camera ORDER BY started_at DESC, rowid DESC LIMIT 1)
                    """)
            return Dictionary(
                try rows.map {
                    let visit = try Self.visit(from: $0); return (visit.camera, visit)
                }
            ) { a, _ in a }
        }
    }

    /// Removes visits that began before `date`.
    public func trim(before date: Date) throws {
        _ = try store.write("trim patrol visits") { db in
            try db.execute(sql: "DELETE FROM patrol_visit WHERE started_at < ?", arguments: [date.timeIntervalSince1970])
        }
    }

    private static func visit(from row: Row) throws -> PatrolVisit {
        let decoder = JSONDecoder()
        let text: String = row["outcome"]
        guard let outcome = PatrolVisit.Outcome(rawValue: text) else {
            throw ArchiveError(.storeFailed, "a patrol visit has an unknown outcome '\(text)'")
        }
        let stream: String? = row["stream"]
        return PatrolVisit(
            camera: row["camera"], startedAt: Date(timeIntervalSince1970: row["started_at"]), duration: row["duration"],
            outcome: outcome, reason: row["reason"],
            keyframes: try decoder.decode([FrameStats].self, from: Data((row["keyframes"] as String).utf8)),
            stream: try stream.map { try decoder.decode(StreamFacts.self, from: Data($0.utf8)) })
    }
}
