public import Foundation
internal import GRDB

/// Reading events back: open counts for metrics, pages of events by query (decoded, or as their stored JSON), one
/// event, acknowledgement and review.
extension EventStore {
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
            if let filter = query.review {
                let verdict = filter.verdict?.rawValue
                let unreviewed = "json_extract(body, '$.review') IS NULL"
                conditions.append(verdict == nil ? unreviewed : "json_extract(body, '$.review.verdict') = ?")
                if let verdict { arguments.append(verdict) }
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

    /// Records an operator's verdict on an event, replacing an earlier one (a correction); nil when there is no such
    /// event. Like an acknowledgement it is not a transition: no sink is told (a later update or clear carries it).
    public func review(id: String, _ review: EventReview) throws -> Event? {
        try write("review an event") { db in
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM event WHERE id = ?", arguments: [id]) else {
                return nil
            }
            var event = try EventStore.decoder.decode(Event.self, from: Data(body.utf8))
            event.review = review
            try db.execute(
                sql: "UPDATE event SET body = ? WHERE id = ?",
                arguments: [String(decoding: try EventStore.encoder.encode(event), as: UTF8.self), id])
            return event
        }
    }

    /// Events by device and kind with their verdicts, for the events raised in [from, to) (all, without bounds), most
    /// false alarms first. Read from the stored bodies: one grouped query, no event decoded, though every body in the
    /// range is parsed (fine for an operator's question, not for a page refreshed every few seconds). By raise time,
    /// not by overlap as `events list` and availability select: a verdict belongs to the alarm as raised.
    public func reviewTallies(from: Date? = nil, to: Date? = nil) throws -> [ReviewTally] {
        try read("count reviews") { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let from {
                conditions.append("raised_at >= ?")
                arguments.append(from.timeIntervalSince1970)
            }
            if let to {
                conditions.append("raised_at < ?")
                arguments.append(to.timeIntervalSince1970)
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT device, kind, COUNT(*) AS events,
                        SUM(CASE json_extract(body, '$.review.verdict') WHEN 'confirmed' THEN 1 ELSE 0 END) AS confirmed,
                        SUM(CASE json_extract(body, '$.review.verdict') WHEN 'false' THEN 1 ELSE 0 END) AS false_alarms
                    FROM event \(filter) GROUP BY device, kind ORDER BY false_alarms DESC, device, kind
                    """, arguments: StatementArguments(arguments))
            return rows.compactMap { row in
                EventKind(rawValue: row["kind"]).map {
                    ReviewTally(
                        device: row["device"], kind: $0, events: row["events"], confirmed: row["confirmed"],
                        falseAlarms: row["false_alarms"])
                }
            }
        }
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
