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

    /// How many events are open, by kind: one indexed query, for `/metrics` (no event is decoded).
    public func openCounts() throws -> [EventKind: Int] {
        try read("count open events") { db in
            var counts: [EventKind: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM event WHERE state = 'open' GROUP BY kind") {
                if let kind = EventKind(rawValue: row["kind"]) { counts[kind] = row["n"] }
            }
            return counts
        }
    }

    /// The events open now, for detectors to pick up after a restart (so a fault open before a crash is cleared
    /// when it ends, not left open for ever).
    public func openEvents() throws -> [Event] {
        try read("list open events") { db in
            try String.fetchAll(db, sql: "SELECT body FROM event WHERE state = 'open'").map {
                try EventStore.decoder.decode(Event.self, from: Data($0.utf8))
            }
        }
    }

    /// Events matching `query`, newest first.
    public func events(_ query: EventQuery = EventQuery()) throws -> [Event] { try page(query).events }

    /// A page of events matching `query`, newest first, and where the next (older) page starts when this one is
    /// full. The position is the stored sort key itself (an event's body keeps its times to the millisecond only),
    /// so paging neither skips nor repeats events that share a millisecond.
    public func page(_ query: EventQuery) throws -> (events: [Event], next: (since: Date, id: String)?) {
        let page = try pageJSON(query)
        return (try page.bodies.map { try EventStore.decoder.decode(Event.self, from: Data($0.utf8)) }, page.next)
    }

    /// `page` as the stored JSON of each event (the `Event` encoding), for callers that pass it on unchanged: the
    /// gateway splices them into its response instead of decoding and encoding a thousand dates a page.
    public func pageJSON(_ query: EventQuery) throws -> (bodies: [String], next: (since: Date, id: String)?) {
        try read("list events") { db -> (bodies: [String], next: (since: Date, id: String)?) in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let device = query.device {
                conditions.append("device = ?")
                arguments.append(device)
            }
            if let grid = query.grid {
                conditions.append("grids LIKE ? ESCAPE '\\'")
                arguments.append("%|" + EventStore.escapeLike(grid) + "|%")
            }
            if let location = query.keyLocation {
                conditions.append("key_locations LIKE ? ESCAPE '\\'")
                arguments.append("%|" + EventStore.escapeLike(location) + "|%")
            }
            if !query.kinds.isEmpty {
                conditions.append("kind IN (" + query.kinds.map { _ in "?" }.joined(separator: ", ") + ")")
                arguments += query.kinds.map(\.rawValue)
            }
            if let state = query.state {
                conditions.append("state = ?")
                arguments.append(state.rawValue)
            }
            // Overlapping the range: started before its end, and not cleared before its start.
            if let to = query.to {
                conditions.append("since < ?")
                arguments.append(to.timeIntervalSince1970)
            }
            if let from = query.from {
                conditions.append("(cleared_at IS NULL OR cleared_at >= ?)")
                arguments.append(from.timeIntervalSince1970)
            }
            if let before = query.before {
                // "since <= ?" first: a range the (kind, since) and (since) indexes can seek to; the OR alone is not.
                conditions.append("since <= ? AND (since < ? OR id < ?)")
                arguments += [before.since.timeIntervalSince1970, before.since.timeIntervalSince1970, before.id]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments.append(query.limit)
            let rows = try Row.fetchAll(
                db, sql: "SELECT body, since, id FROM event \(filter) ORDER BY since DESC, id DESC LIMIT ?",
                arguments: StatementArguments(arguments))
            var next: (since: Date, id: String)? = nil
            if rows.count == query.limit, let last = rows.last {
                let since: Double = last["since"]
                let id: String = last["id"]
                next = (Date(timeIntervalSince1970: since), id)
            }
            let bodies: [String] = rows.map { $0["body"] }
            return (bodies, next)
        }
    }

    /// One event by its ID.
    public func event(id: String) throws -> Event? {
        try read("read an event") { db in
            try String.fetchOne(db, sql: "SELECT body FROM event WHERE id = ?", arguments: [id]).map {
                try EventStore.decoder.decode(Event.self, from: Data($0.utf8))
            }
        }
    }

    /// Marks an event acknowledged by `actor` (the first acknowledgement stands); nil when there is no such event.
    /// An acknowledgement stays at this gateway: it is not a transition, so no sink is told.
    public func acknowledge(id: String, by actor: String, at time: Date = Date()) throws -> Event? {
        try write("acknowledge an event") { db in
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM event WHERE id = ?", arguments: [id]) else {
                return nil
            }
            var event = try EventStore.decoder.decode(Event.self, from: Data(body.utf8))
            guard event.acknowledgedAt == nil else { return event }
            event.acknowledgedBy = actor
            event.acknowledgedAt = time
            try db.execute(
                sql: "UPDATE event SET body = ? WHERE id = ?",
                arguments: [String(decoding: try EventStore.encoder.encode(event), as: UTF8.self), id])
            return event
        }
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
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
