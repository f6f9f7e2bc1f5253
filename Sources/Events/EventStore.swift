import Foundation
internal import GRDB

/// One message for one sink: an event as it was at one transition.
public struct OutboxMessage: Sendable, Equatable {
    /// Increases with every transition written; the order messages of one device are delivered in.
    public var sequence: Int64
    public var sink: String
    public var device: String
    public var eventID: String
    public var phase: DetectorTransition.Phase
    public var event: Event
    public var attempts: Int
}

/// Failures of the event store.
public struct EventsError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let underlying: String?

    public init(_ message: String, underlying: String? = nil) {
        self.message = message
        self.underlying = underlying
    }

    public var description: String { underlying.map { "\(message): \($0)" } ?? message }
}

/// The event store, `events.sqlite` (WAL): events and an outbox with one row per sink for every transition, written in
/// one transaction — so an event the store acknowledged is never lost to a sink, even on `kill -9`, and a sink sees
/// each transition under the event's stable ID (at least once; sinks deduplicate on the ID and phase).
public final class EventStore: Sendable {
    let database: DatabaseQueue
    public let path: String
    /// The sinks every transition is queued for.
    public let sinks: [String]

    public init(path: String, sinks: [String]) throws {
        self.path = path
        self.sinks = sinks
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
            try EventStore.migrator.migrate(database)
        } catch {
            throw EventsError("cannot open the event store '\(path)'", underlying: "\(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: events and outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        id TEXT PRIMARY KEY NOT NULL,
                        device TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('open', 'cleared')),
                        since REAL NOT NULL,
                        raised_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        cleared_at REAL,
                        body TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX event_by_device ON event (device, since);
                    CREATE INDEX event_by_time ON event (since);
                    -- At most one open event per device and kind.
                    CREATE UNIQUE INDEX event_open ON event (device, kind) WHERE state = 'open';
                    CREATE TABLE outbox (
                        sequence INTEGER NOT NULL,
                        sink TEXT NOT NULL,
                        device TEXT NOT NULL,
                        event_id TEXT NOT NULL REFERENCES event(id),
                        phase TEXT NOT NULL,
                        body TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt REAL NOT NULL DEFAULT 0,
                        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
                        last_error TEXT,
                        PRIMARY KEY (sink, sequence)
                    ) WITHOUT ROWID;
                    CREATE INDEX outbox_pending ON outbox (sink, state, device, sequence);
                    CREATE TABLE sequence (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);
                    INSERT INTO sequence (id, last) VALUES (1, 0);
                    """)
        }
        return migrator
    }

    /// Records a detector transition of `device` (at `location`) and queues it for every sink, in one transaction.
    /// A raise opens a new event with a new ID; an update or clear changes the device's open event of that kind.
    /// Returns the event as stored.
    @discardableResult
    public func record(_ transition: DetectorTransition, location: EventLocation) throws -> Event {
        try write("record an event") { db in
            var event: Event
            if transition.phase == .raised {
                event = Event(
                    id: UUID().uuidString.lowercased(), device: transition.camera, kind: transition.kind, state: .open,
                    since: transition.since, raisedAt: transition.at, updatedAt: transition.at, clearedAt: nil,
                    evidence: transition.evidence, reason: transition.reason, location: location)
            } else {
                guard
                    let body = try String.fetchOne(
                        db, sql: "SELECT body FROM event WHERE device = ? AND kind = ? AND state = 'open'",
                        arguments: [transition.camera, transition.kind.rawValue])
                else {
                    throw EventsError(
                        "no open \(transition.kind.rawValue) event of \(transition.camera) to \(transition.phase.rawValue)")
                }
                event = try EventStore.decoder.decode(Event.self, from: Data(body.utf8))
                event.updatedAt = transition.at
                event.evidence = transition.evidence
                if transition.phase == .cleared {
                    event.state = .cleared
                    event.clearedAt = transition.at
                }
            }
            let body = String(decoding: try EventStore.encoder.encode(event), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT INTO event (id, device, kind, state, since, raised_at, updated_at, cleared_at, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
                        cleared_at = excluded.cleared_at, body = excluded.body
                    """,
                arguments: [
                    event.id, event.device, event.kind.rawValue, event.state.rawValue, event.since.timeIntervalSince1970,
                    event.raisedAt.timeIntervalSince1970, event.updatedAt.timeIntervalSince1970,
                    event.clearedAt?.timeIntervalSince1970, body,
                ])
            try db.execute(sql: "UPDATE sequence SET last = last + 1 WHERE id = 1")
            let sequence = try Int64.fetchOne(db, sql: "SELECT last FROM sequence WHERE id = 1")!
            for sink in sinks {
                try db.execute(
                    sql: "INSERT INTO outbox (sequence, sink, device, event_id, phase, body) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [sequence, sink, event.device, event.id, transition.phase.rawValue, body])
            }
            return event
        }
    }

    /// The messages a sink may deliver now: for each device, its oldest pending message (so a device's messages go
    /// in order, and one device's failing message does not hold up the others), if it is due.
    public func due(sink: String, now: Date = Date(), limit: Int = 100) throws -> [OutboxMessage] {
        try read("read the outbox") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.* FROM outbox o
                    WHERE o.sink = ?1 AND o.state = 'pending' AND o.next_attempt <= ?2
                      AND o.sequence = (SELECT MIN(sequence) FROM outbox p
                                        WHERE p.sink = ?1 AND p.device = o.device AND p.state = 'pending')
                    ORDER BY o.sequence LIMIT ?3
                    """,
                arguments: [sink, now.timeIntervalSince1970, limit]
            ).map(EventStore.message(from:))
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

    /// Events, newest first.
    public func events(device: String? = nil, limit: Int = 1000) throws -> [Event] {
        try read("list events") { db in
            try String.fetchAll(
                db, sql: "SELECT body FROM event WHERE (?1 IS NULL OR device = ?1) ORDER BY since DESC LIMIT ?2",
                arguments: [device, limit]
            ).map { try EventStore.decoder.decode(Event.self, from: Data($0.utf8)) }
        }
    }

    /// SQLite's own consistency check: "ok" when sound.
    public func integrityCheck() throws -> String {
        try read("check integrity") { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    // MARK: - Helpers

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(
                decoder.singleValueContainer().decode(String.self))
        }
        return decoder
    }()

    private static func message(from row: Row) throws -> OutboxMessage {
        let body: String = row["body"]
        return OutboxMessage(
            sequence: row["sequence"], sink: row["sink"], device: row["device"], eventID: row["event_id"],
            phase: DetectorTransition.Phase(rawValue: row["phase"]) ?? .updated,
            event: try decoder.decode(Event.self, from: Data(body.utf8)), attempts: row["attempts"])
    }

    func write<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try database.write(body)
        } catch let error as EventsError {
            throw error
        } catch {
            throw EventsError("cannot \(what) in '\(path)'", underlying: "\(error)")
        }
    }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch {
            throw EventsError("cannot \(what) in '\(path)'", underlying: "\(error)")
        }
    }
}
