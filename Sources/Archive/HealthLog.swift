public import Foundation
internal import GRDB

/// One change of a camera's health, as kept in the history.
public struct HealthRecord: Sendable, Codable, Equatable {
    public var camera: String
    public var at: Date
    /// "connecting", "streaming", "stalled", "offline", "stopped".
    public var state: String
    /// Why, for stalled and offline ("refused", "timeout", "unauthorised", …).
    public var reason: String?
    /// The one-line error behind it, credentials redacted.
    public var detail: String?

    public init(camera: String, at: Date, state: String, reason: String? = nil, detail: String? = nil) {
        self.camera = camera
        self.at = at
        self.state = state
        self.reason = reason
        self.detail = detail
    }
}

/// A break in a camera's timestamps, as kept in the archive.
public struct DiscontinuityRecord: Sendable, Codable, Equatable {
    public var camera: String
    public var at: Date
    /// "reset", "backward", "forwardJump", "wrap", "missing".
    public var kind: String
    public var rawTimestamp: Int64?
    public var timelineSeconds: Double

    public init(camera: String, at: Date, kind: String, rawTimestamp: Int64?, timelineSeconds: Double) {
        self.camera = camera
        self.at = at
        self.kind = kind
        self.rawTimestamp = rawTimestamp
        self.timelineSeconds = timelineSeconds
    }
}

/// The history of every camera's health transitions and timestamp discontinuities: the input of availability
/// reports and offline events. Append-only, except that retention trims what is older than the recordings.
public struct HealthLog: Sendable {
    let store: ArchiveDatabase

    public init(store: ArchiveDatabase) { self.store = store }

    /// Appends transitions in one transaction.
    public func append(_ records: [HealthRecord]) throws {
        try store.insert(
            "record health",
            sql: "INSERT INTO health_transition (camera, wall_time, state, reason, detail) VALUES (?, ?, ?, ?, ?)",
            rows: records.map { [$0.camera, $0.at.timeIntervalSince1970, $0.state, $0.reason, $0.detail] })
    }

    /// Appends discontinuities in one transaction.
    public func append(_ records: [DiscontinuityRecord]) throws {
        try store.insert(
            "record discontinuities",
            sql:
                "INSERT INTO timeline_discontinuity (camera, wall_time, kind, raw_timestamp, timeline_seconds) VALUES (?, ?, ?, ?, ?)",
            rows: records.map { [$0.camera, $0.at.timeIntervalSince1970, $0.kind, $0.rawTimestamp, $0.timelineSeconds] })
    }

    /// A camera's transitions (or every camera's, with nil) between two times, oldest first.
    public func transitions(camera: String?, from: Date = .distantPast, to: Date = .distantFuture) throws -> [HealthRecord] {
        try store.read("query health history") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM health_transition WHERE (?1 IS NULL OR camera = ?1) AND wall_time BETWEEN ?2 AND ?3
                    ORDER BY wall_time, rowid
                    """,
                arguments: [camera, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map(HealthLog.record(from:))
        }
    }

    /// When the oldest transition kept was recorded, of any camera: where the history begins.
    public func earliest() throws -> Date? {
        try store.read("query health history") { db in
            try Double.fetchOne(db, sql: "SELECT MIN(wall_time) FROM health_transition").map(Date.init(timeIntervalSince1970:))
        }
    }

    /// A camera's last transition before `date`: the state it was in at that moment.
    public func transition(camera: String, before date: Date) throws -> HealthRecord? {
        try store.read("query health history") { db in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT * FROM health_transition WHERE camera = ? AND wall_time < ? ORDER BY wall_time DESC, rowid DESC LIMIT 1",
                arguments: [camera, date.timeIntervalSince1970]
            ).map(HealthLog.record(from:))
        }
    }

    private static func record(from row: Row) -> HealthRecord {
        HealthRecord(
            camera: row["camera"], at: Date(timeIntervalSince1970: row["wall_time"]), state: row["state"],
            reason: row["reason"], detail: row["detail"])
    }

    /// A camera's discontinuities, oldest first.
    public func discontinuities(camera: String, from: Date = .distantPast, to: Date = .distantFuture) throws
        -> [DiscontinuityRecord]
    {
        try store.read("query discontinuities") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM timeline_discontinuity WHERE camera = ? AND wall_time BETWEEN ? AND ? ORDER BY wall_time, rowid
                    """,
                arguments: [camera, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map { row in
                DiscontinuityRecord(
                    camera: row["camera"], at: Date(timeIntervalSince1970: row["wall_time"]), kind: row["kind"],
                    rawTimestamp: row["raw_timestamp"], timelineSeconds: row["timeline_seconds"])
            }
        }
    }
}
