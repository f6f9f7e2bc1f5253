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
        // Two statements: "camera = ? OR ? IS NULL" would keep SQLite off the (camera, started_at) index.
        let range: StatementArguments = [from.timeIntervalSince1970, to.timeIntervalSince1970]
        return try store.read("query patrol visits") { db in
            let rows =
                try camera.map {
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT * FROM patrol_visit WHERE camera = ? AND started_at BETWEEN ? AND ?
                            ORDER BY started_at, rowid
                            """,
                        arguments: [$0] + range)
                }
                ?? Row.fetchAll(
                    db, sql: "SELECT * FROM patrol_visit WHERE started_at BETWEEN ? AND ? ORDER BY started_at, rowid",
                    arguments: range)
            return try rows.map(Self.visit(from:))
        }
    }

    /// A camera's latest `limit` visits that began between two times, newest first (read from the index's end).
    public func recent(camera: String, limit: Int, from: Date = .distantPast, to: Date = .distantFuture) throws
        -> [PatrolVisit]
    {
        try store.read("query patrol visits") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM patrol_visit WHERE camera = ? AND started_at BETWEEN ? AND ?
                    ORDER BY started_at DESC, rowid DESC LIMIT ?
                    """,
                arguments: [camera, from.timeIntervalSince1970, to.timeIntervalSince1970, limit]
            ).map(Self.visit(from:))
        }
    }

    /// A camera's latest visit, if it had one.
    public func latest(camera: String) throws -> PatrolVisit? {
        try recent(camera: camera, limit: 1).first
    }

    /// The latest visit of each of `cameras` that had one: one indexed lookup per camera, in one read (a query over
    /// every camera's visits would read a week of a district's, millions of rows).
    public func latest(cameras: [String]) throws -> [String: PatrolVisit] {
        try latest(cameras: cameras, columns: "*", Self.visit(from:))
    }

    /// The latest visit of each of `cameras` that had one, in brief: without the keyframes' statistics and
    /// thumbnails (about 3 KB a visit), so a map of a district's 7,000 cameras reads about 750 KB.
    public func latestBriefs(cameras: [String]) throws -> [String: PatrolVisitBrief] {
        try latest(cameras: cameras, columns: "camera, started_at, outcome, reason") { row in
            PatrolVisitBrief(
                camera: row["camera"], startedAt: Date(timeIntervalSince1970: row["started_at"]),
                outcome: try Self.outcome(row), reason: row["reason"])
        }
    }

    private func latest<Visit>(cameras: [String], columns: String, _ make: @escaping (Row) throws -> Visit) throws
        -> [String: Visit]
    {
        try store.read("query patrol visits") { db in
            let statement = try db.cachedStatement(
                sql: "SELECT \(columns) FROM patrol_visit WHERE camera = ? ORDER BY started_at DESC, rowid DESC LIMIT 1")
            var latest: [String: Visit] = [:]
            for camera in cameras {
                if let row = try Row.fetchOne(statement, arguments: [camera]) { latest[camera] = try make(row) }
            }
            return latest
        }
    }

    /// Removes visits that began before `date`.
    public func trim(before date: Date) throws {
        _ = try store.write("trim patrol visits") { db in
            try db.execute(sql: "DELETE FROM patrol_visit WHERE started_at < ?", arguments: [date.timeIntervalSince1970])
        }
    }

    private static func outcome(_ row: Row) throws -> PatrolVisit.Outcome {
        let text: String = row["outcome"]
        guard let outcome = PatrolVisit.Outcome(rawValue: text) else {
            throw ArchiveError(.storeFailed, "a patrol visit has an unknown outcome '\(text)'")
        }
        return outcome
    }

    private static func visit(from row: Row) throws -> PatrolVisit {
        let decoder = JSONDecoder()
        let outcome = try outcome(row)
        let stream: String? = row["stream"]
        return PatrolVisit(
            camera: row["camera"], startedAt: Date(timeIntervalSince1970: row["started_at"]), duration: row["duration"],
            outcome: outcome, reason: row["reason"],
            keyframes: try decoder.decode([FrameStats].self, from: Data((row["keyframes"] as String).utf8)),
            stream: try stream.map { try decoder.decode(StreamFacts.self, from: Data($0.utf8)) })
    }
}
