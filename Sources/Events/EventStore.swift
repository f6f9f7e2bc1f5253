import CameraRegistry
import FileLocking
public import Foundation
internal import GRDB
import MediaIO

/// One message for one sink: an event as it was at one transition.
public struct OutboxMessage: Sendable, Equatable {
    /// Increases with every transition written; the order messages of one device are delivered in.
    public var sequence: Int64
    public var sink: String
    public var device: String
    public var eventID: String
    public var phase: DetectorTransition.Phase
    /// When the transition happened.
    public var at: Date
    /// The event as it was at this transition, as stored (JSON): sinks that forward JSON use it as it is.
    public var body: String
    public var attempts: Int

    /// The event, decoded from `body`.
    public var event: Event {
        get throws { try EventStore.decoder.decode(Event.self, from: Data(body.utf8)) }
    }
}

/// The event store, `events.sqlite` (WAL): events and an outbox with one row per sink for every transition, written in
/// one transaction — so an event the store acknowledged is never lost to a sink, even on `kill -9`, and a sink sees
/// each transition under the event's stable ID (at least once; sinks deduplicate on the ID and phase).
public final class EventStore: Sendable {
    /// A pool: exporters read the outbox while the writer commits (WAL lets readers and a writer run together).
    let database: DatabasePool
    public let path: String
    /// Opens (or creates) the store. `sinks`, when given, becomes the list of sinks every transition is queued for
    /// (the service sets it from its configuration); other processes (`skygate sensor alarm`) leave it as it is, so
    /// what they record reaches the same sinks.
    public init(path: String, sinks: [String]? = nil) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw EventsError(
                .storeUnavailable, "cannot create directory '\(directory)' for the event store", underlying: "\(error)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        do {
            database = try MigrationLock.holding(forDatabaseAt: path) {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try EventStore.migrator.migrate(pool)
                return pool
            }
            if let sinks {
                try database.write { db in
                    try db.execute(sql: "DELETE FROM sink")
                    for sink in sinks { try db.execute(sql: "INSERT INTO sink (name) VALUES (?)", arguments: [sink]) }
                }
            }
        } catch {
            throw EventsError(
                .storeUnavailable, "cannot open the event store '\(path)'", underlying: "\(error)",
                sqliteCode: (error as? DatabaseError)?.extendedResultCode.rawValue)
        }
    }

    /// How long a sender's idempotency key is remembered: a resend within a day records nothing.
    public static let idempotencyLifetime: TimeInterval = 86_400

    /// One transition to record: where its device is, and the sender's idempotency key if it came from outside.
    public struct Entry: Sendable {
        public var transition: DetectorTransition
        public var location: EventLocation
        /// A repeated key (from the same sender, for the same device, within `idempotencyLifetime`) records nothing
        /// and answers the event the first one recorded (sensor alarms sent twice).
        public var idempotencyKey: IdempotencyKey?

        public init(_ transition: DetectorTransition, location: EventLocation, idempotencyKey: IdempotencyKey? = nil) {
            self.transition = transition
            self.location = location
            self.idempotencyKey = idempotencyKey
        }
    }

    /// What recording one entry did.
    public enum Outcome: Sendable, Equatable {
        /// Written and queued for every sink.
        case recorded(Event)
        /// The idempotency key was seen before: nothing written; the event it recorded.
        case duplicate(Event)
        /// An update or clear with no open event of that device and kind (already cleared): nothing written.
        case ignored

        public var event: Event? {
            switch self {
            case .recorded(let event), .duplicate(let event): event
            case .ignored: nil
            }
        }
    }

    /// Records a detector transition of `device` (at `location`) and queues it for every sink, in one transaction.
    /// A raise opens a new event with a new ID (or, if one of that kind is open already, updates it); an update or
    /// clear changes the device's open event of that kind. Returns the event as stored, nil if there was nothing to
    /// update.
    @discardableResult
    public func record(_ transition: DetectorTransition, location: EventLocation) throws -> Event? {
        try record([Entry(transition, location: location)])[0].event
    }

    /// Records many transitions in one transaction (one disk sync for all: how a busy gateway keeps up), in order.
    /// `now` is when they were received (the age of idempotency keys counts from it).
    public func record(_ entries: [Entry], now: Date = Date()) throws -> [Outcome] {
        guard !entries.isEmpty else { return [] }
        return try write("record events") { db in
            let sinks = try String.fetchAll(db, sql: "SELECT name FROM sink ORDER BY name")
            return try entries.map { try EventStore.apply($0, sinks: sinks, now: now, in: db) }
        }
    }

    /// Over 60 lines: one transaction step (find the duplicate or the open event, merge, store, queue for every sink)
    /// whose parts share the event being written.
    private static func apply(_ entry: Entry, sinks: [String], now: Date, in db: Database) throws -> Outcome {
        let transition = entry.transition
        if let key = entry.idempotencyKey,
            let body = try String.fetchOne(
                db,
                sql: """
                    SELECT e.body FROM idempotency i JOIN event e ON e.id = i.event_id
                    WHERE i.device = ? AND i.sender = ? AND i.key = ? AND i.received >= ?
                    """,
                arguments: [
                    transition.device, key.sender, key.key, (now - idempotencyLifetime).timeIntervalSince1970,
                ])
        {
            return .duplicate(try decoder.decode(Event.self, from: Data(body.utf8)))
        }
        let openBody = try String.fetchOne(
            db, sql: "SELECT body FROM event WHERE device = ? AND kind = ? AND subject = ? AND state = 'open'",
            arguments: [transition.device, transition.kind.rawValue, transition.subject])
        var event: Event
        var phase = transition.phase
        if let openBody {
            event = try decoder.decode(Event.self, from: Data(openBody.utf8))
            event.updatedAt = transition.at
            event.evidence = transition.evidence
            if transition.phase == .raised { phase = .updated }
            if transition.phase == .cleared {
                event.state = .cleared
                event.clearedAt = transition.at
            }
        } else if transition.phase == .raised {
            event = Event(
                id: UUID().uuidString.lowercased(), device: transition.device, kind: transition.kind, state: .open,
                since: transition.since, raisedAt: transition.at, updatedAt: transition.at, clearedAt: nil,
                evidence: transition.evidence, reason: transition.reason, location: entry.location)
        } else {
            return .ignored
        }
        let body = String(decoding: try encoder.encode(event), as: UTF8.self)
        let grids = "|" + event.location.grids.map { $0.id + "|" }.joined()
        let keyLocations = "|" + event.location.keyLocations.map { $0.locationID + "|" }.joined()
        try db.execute(
            sql: """
                INSERT INTO event (id, device, kind, state, since, raised_at, updated_at, cleared_at, body, grids,
                    key_locations, subject)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
                    cleared_at = excluded.cleared_at, body = excluded.body
                """,
            arguments: [
                event.id, event.device, event.kind.rawValue, event.state.rawValue, event.since.timeIntervalSince1970,
                event.raisedAt.timeIntervalSince1970, event.updatedAt.timeIntervalSince1970,
                event.clearedAt?.timeIntervalSince1970, body, grids, keyLocations, transition.subject,
            ])
        if let key = entry.idempotencyKey {
            // A key older than its lifetime may be used again: the new message replaces the old row.
            try db.execute(
                sql: "INSERT OR REPLACE INTO idempotency (device, sender, key, event_id, received) VALUES (?, ?, ?, ?, ?)",
                arguments: [transition.device, key.sender, key.key, event.id, now.timeIntervalSince1970])
        }
        let sequence = try Int64.fetchOne(db, sql: "UPDATE sequence SET last = last + 1 WHERE id = 1 RETURNING last")!
        for sink in sinks {
            try db.execute(
                sql: "INSERT INTO outbox (sequence, sink, device, event_id, phase, body, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [sequence, sink, event.device, event.id, phase.rawValue, body, transition.at.timeIntervalSince1970])
        }
        return .recorded(event)
    }

    /// SQLite's own consistency check: "ok" when sound.
    public func integrityCheck() throws -> String {
        try read("check integrity") { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    // MARK: - Helpers

    /// The JSON dialect of stored events and their exports: keys sorted, times as `TimeText`.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = TimeText.encoding
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = TimeText.decoding
        return decoder
    }()

    func write<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try database.write(body)
        } catch let error as EventsError {
            throw error
        } catch {
            throw EventsError(
                .storeFailed, "cannot \(what) in '\(path)'", underlying: "\(error)",
                sqliteCode: (error as? DatabaseError)?.extendedResultCode.rawValue)
        }
    }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch {
            throw EventsError(
                .storeFailed, "cannot \(what) in '\(path)'", underlying: "\(error)",
                sqliteCode: (error as? DatabaseError)?.extendedResultCode.rawValue)
        }
    }
}
