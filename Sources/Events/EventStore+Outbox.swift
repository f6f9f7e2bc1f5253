public import Foundation
internal import GRDB

/// The outbox: what each sink has still to deliver, and what it did.
extension EventStore {
    /// The messages a sink may deliver now, oldest first: for each device, its pending messages in order up to the
    /// first that is not due yet (so a device's messages go in order, and one device's failing message holds up
    /// only that device).
    public func due(sink: String, now: Date = Date(), limit: Int = 500) throws -> [OutboxMessage] {
        try read("read the outbox") { db in
            var blocked = Set<String>()
            var messages: [OutboxMessage] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT * FROM outbox WHERE sink = ?1 AND state = 'pending'
                      AND device NOT IN (SELECT device FROM outbox
                                         WHERE sink = ?1 AND state = 'pending' AND next_attempt > ?2)
                    ORDER BY sequence LIMIT ?3
                    """,
                arguments: [sink, now.timeIntervalSince1970, limit])
            while let row = try rows.next() {
                let device: String = row["device"]
                guard !blocked.contains(device) else { continue }
                let nextAttempt: Double = row["next_attempt"]
                if nextAttempt > now.timeIntervalSince1970 {
                    blocked.insert(device)
                    continue
                }
                messages.append(try EventStore.message(from: row))
            }
            return messages
        }
    }

    /// Marks messages delivered.
    public func delivered(sink: String, sequences: [Int64]) throws {
        try write("mark messages delivered") { db in
            for sequence in sequences {
                try db.execute(
                    sql: "UPDATE outbox SET state = 'delivered', last_error = NULL WHERE sink = ? AND sequence = ?",
                    arguments: [sink, sequence])
            }
        }
    }

    /// Records a failed attempt: the message is retried after `retryAfter` seconds, or dead-lettered once it has failed
    /// `maximumAttempts` times. Returns true if it was dead-lettered.
    @discardableResult
    public func failed(sink: String, sequence: Int64, error: String, retryAfter: Double, maximumAttempts: Int, now: Date = Date())
        throws -> Bool
    {
        try write("record a failed delivery") { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ?,
                        state = CASE WHEN attempts + 1 >= ? THEN 'dead' ELSE 'pending' END
                    WHERE sink = ? AND sequence = ?
                    """,
                arguments: [error, now.timeIntervalSince1970 + retryAfter, maximumAttempts, sink, sequence])
            return try String.fetchOne(
                db, sql: "SELECT state FROM outbox WHERE sink = ? AND sequence = ?", arguments: [sink, sequence]) == "dead"
        }
    }

    /// The sinks transitions are queued for.
    public func sinks() throws -> [String] {
        try read("list sinks") { db in try String.fetchAll(db, sql: "SELECT name FROM sink ORDER BY name") }
    }

    /// Dead-lettered messages go back to pending with their attempts reset (after an operator fixed the cause).
    /// Returns how many.
    public func redeliver(sink: String) throws -> Int {
        try write("redeliver dead letters") { db in
            try db.execute(
                sql: "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt = 0 WHERE sink = ? AND state = 'dead'",
                arguments: [sink])
            return db.changesCount
        }
    }

    /// Deletes delivered messages of transitions older than `date` (the outbox would otherwise grow for ever);
    /// pending and dead messages stay. Returns how many went.
    @discardableResult
    public func purgeDelivered(before date: Date) throws -> Int {
        try write("purge delivered messages") { db in
            try db.execute(
                sql: "DELETE FROM outbox WHERE state = 'delivered' AND at < ?", arguments: [date.timeIntervalSince1970])
            return db.changesCount
        }
    }

    /// Forgets idempotency keys received before `date` (older than their lifetime, they no longer stop a resend).
    /// Returns how many went.
    @discardableResult
    public func purgeIdempotencyKeys(before date: Date) throws -> Int {
        try write("purge idempotency keys") { db in
            try db.execute(sql: "DELETE FROM idempotency WHERE received < ?", arguments: [date.timeIntervalSince1970])
            return db.changesCount
        }
    }

    /// Messages of a sink by state: pending (the backlog), delivered, dead.
    public func counts(sink: String) throws -> [String: Int] {
        try read("count the outbox") { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT state, COUNT(*) AS n FROM outbox WHERE sink = ? GROUP BY state", arguments: [sink])
            {
                counts[row["state"]] = row["n"]
            }
            return counts
        }
    }

    fileprivate static func message(from row: Row) throws -> OutboxMessage {
        let body: String = row["body"]
        return OutboxMessage(
            sequence: row["sequence"], sink: row["sink"], device: row["device"], eventID: row["event_id"],
            phase: DetectorTransition.Phase(rawValue: row["phase"]) ?? .updated,
            at: Date(timeIntervalSince1970: row["at"]), body: body, attempts: row["attempts"])
    }
}
