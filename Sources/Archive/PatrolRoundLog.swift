public import Foundation
internal import GRDB

/// A finished patrol round: when it ran, over how many cameras, and its visits by outcome.
public struct PatrolRound: Sendable, Codable, Equatable {
    public var startedAt: Date
    public var endedAt: Date
    /// Patrol cameras when the round ended.
    public var cameras: Int
    public var visits: Int
    public var ok: Int
    public var unreachable: Int
    public var noKeyframe: Int

    public init(
        startedAt: Date, endedAt: Date, cameras: Int, visits: Int = 0, ok: Int = 0, unreachable: Int = 0, noKeyframe: Int = 0
    ) {
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.cameras = cameras
        self.visits = visits
        self.ok = ok
        self.unreachable = unreachable
        self.noKeyframe = noKeyframe
    }

    /// Counts one visit's outcome.
    public mutating func count(_ outcome: PatrolVisit.Outcome) {
        visits += 1
        switch outcome {
        case .ok: ok += 1
        case .unreachable: unreachable += 1
        case .noKeyframe: noKeyframe += 1
        }
    }
}

/// An operator's request to visit now every patrol camera, or those of one grid (and the grids below it).
public struct PatrolRunRequest: Sendable, Codable, Equatable {
    public var id: Int64
    /// nil: every patrol camera.
    public var grid: String?
    public var requestedAt: Date
    public var requestedBy: String
}

/// The finished rounds, and the run-now requests that pass from the CLI or the API to the running service.
public struct PatrolRoundLog: Sendable {
    let store: ArchiveDatabase

    public init(store: ArchiveDatabase) { self.store = store }

    public func append(_ round: PatrolRound) throws {
        try store.insert(
            "record a patrol round",
            sql: """
                INSERT INTO patrol_round (started_at, ended_at, cameras, visits, ok, unreachable, no_keyframe)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            rows: [
                [
                    round.startedAt.timeIntervalSince1970, round.endedAt.timeIntervalSince1970, round.cameras, round.visits,
                    round.ok, round.unreachable, round.noKeyframe,
                ]
            ])
    }

    /// The latest `limit` rounds, newest first.
    public func recent(limit: Int) throws -> [PatrolRound] {
        try store.read("query patrol rounds") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM patrol_round ORDER BY ended_at DESC LIMIT ?", arguments: [limit]).map {
                row in
                PatrolRound(
                    startedAt: Date(timeIntervalSince1970: row["started_at"]),
                    endedAt: Date(timeIntervalSince1970: row["ended_at"]), cameras: row["cameras"], visits: row["visits"],
                    ok: row["ok"], unreachable: row["unreachable"], noKeyframe: row["no_keyframe"])
            }
        }
    }

    /// Removes rounds that ended before `date`.
    public func trim(before date: Date) throws {
        _ = try store.write("trim patrol rounds") { db in
            try db.execute(sql: "DELETE FROM patrol_round WHERE ended_at < ?", arguments: [date.timeIntervalSince1970])
            try db.execute(
                sql: "DELETE FROM patrol_request WHERE taken_at < ?", arguments: [date.timeIntervalSince1970])
        }
    }

    /// Asks the running service to visit now every patrol camera, or those of `grid`; returns the request.
    public func requestRun(grid: String?, by who: String, at date: Date = Date()) throws -> PatrolRunRequest {
        try store.write("request a patrol run") { db in
            try db.execute(
                sql: "INSERT INTO patrol_request (grid, requested_at, requested_by) VALUES (?, ?, ?)",
                arguments: [grid, date.timeIntervalSince1970, who])
            return PatrolRunRequest(id: db.lastInsertedRowID, grid: grid, requestedAt: date, requestedBy: who)
        }
    }

    /// The requests not yet taken, oldest first, marked taken at `date` in the same transaction. Called every second
    /// by the patrol: a read answers the usual "none" without queueing for the archive's writer.
    public func takeRequests(at date: Date = Date()) throws -> [PatrolRunRequest] {
        let waiting = try store.read("query patrol run requests") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM patrol_request WHERE taken_at IS NULL)") ?? false
        }
        guard waiting else { return [] }
        return try store.write("take patrol run requests") { db in
            let requests = try Row.fetchAll(db, sql: "SELECT * FROM patrol_request WHERE taken_at IS NULL ORDER BY id").map {
                row in
                PatrolRunRequest(
                    id: row["id"], grid: row["grid"], requestedAt: Date(timeIntervalSince1970: row["requested_at"]),
                    requestedBy: row["requested_by"])
            }
            if !requests.isEmpty {
                try db.execute(
                    sql: "UPDATE patrol_request SET taken_at = ? WHERE taken_at IS NULL AND id <= ?",
                    arguments: [date.timeIntervalSince1970, requests.last!.id])
            }
            return requests
        }
    }
}
