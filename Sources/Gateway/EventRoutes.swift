import Access
import CameraRegistry
public import Events
import Foundation
import HTTPTypes
import Hummingbird

/// A page of events, newest first; `next` is the cursor for the following (older) page.
public struct EventPage: Codable, Sendable {
    public var events: [Event]
    public var next: String?
}

/// A sensor's alarm as integrations post it.
struct SensorAlarmInput: Decodable, Sendable {
    /// The alarm's name as the sensor reports it (e.g. "smoke", "door_forced").
    var alarm: String
    /// true (default) raises the alarm; false clears it.
    var active: Bool?
    /// When the sensor saw it; default now.
    var at: Date?
    var value: Double?
}

/// An operator's verdict on an event, as the API takes it.
struct EventReviewInput: OptionalFields {
    /// "confirmed" or "false".
    var verdict: EventReview.Verdict?
    var note: String?
}

extension GatewayServices {
    /// Over 60 lines: one short closure per route, kept together so that each route's path, method and role read as one table.
    func addEventRoutes(to api: RouterGroup<GatewayContext>) {
        let (store, engine, registry, feed) = (self.events, self.engine, self.registry, self.feed)

        api.on("events", .get, role: .viewer) { request, _ in
            var query = try Self.eventQuery(request)
            query.limit = try request.integer("limit", default: 100, in: 1...1000)
            if let cursor = request.query("before") {
                guard let position = Self.cursor(cursor) else {
                    throw HTTPError(.badRequest, message: "'before' must be a cursor from a previous page's 'next'")
                }
                query.before = position
            }
            let page = try await blocking { [query] in try store.pageJSON(query) }
            // The stored JSON of each event as it is: same fields and time format as `Event` encodes.
            var buffer = ByteBuffer(string: #"{"events":["#)
            for (index, body) in page.bodies.enumerated() {
                if index > 0 { buffer.writeString(",") }
                buffer.writeString(body)
            }
            buffer.writeString("]")
            if let next = page.next {
                buffer.writeString(#","next":"\#(next.since.timeIntervalSince1970)_\#(next.id)""#)
            }
            buffer.writeString("}")
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: buffer))
        }
        api.on("events/stream", .get, role: .viewer) { request, context in
            let query = try Self.eventQuery(request)
            guard let stream = feed.subscribe(owner: context.caller?.id ?? "none") else {
                throw HTTPError(
                    .tooManyRequests,
                    message: "too many event streams open (\(feed.maximumPerToken) per token, \(feed.maximumTotal) in all)")
            }
            let body = ResponseBody { writer in
                // A comment line first, so proxies and clients see the stream open at once.
                try await writer.write(ByteBuffer(string: ": skygate events\nretry: 3000\n\n"))
                for await event in stream where Self.matches(event, query) {
                    let data = try GatewayJSON.encoder.encode(event)
                    var buffer = ByteBuffer(string: "id: \(event.id)\nevent: \(event.state.rawValue)\ndata: ")
                    buffer.writeBytes(data)
                    buffer.writeString("\n\n")
                    try await writer.write(buffer)
                }
                try await writer.finish(nil)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no",
                ],
                body: body)
        }
        api.on("events/:id", .get, role: .viewer) { _, context in
            let id = try context.parameters.require("id")
            return JSONResponse(
                try await blocking {
                    guard let event = try store.event(id: id) else { throw HTTPError(.notFound, message: "no event \(id)") }
                    return event
                })
        }
        api.on("events/:id/acknowledge", .post, role: .operator) { _, context in
            let id = try context.parameters.require("id")
            let name = context.caller?.name ?? "unknown"
            let event = try await blocking {
                guard let event = try store.acknowledge(id: id, by: name) else {
                    throw HTTPError(.notFound, message: "no event \(id)")
                }
                return event
            }
            try await audit(context, "event.acknowledge", id)
            return JSONResponse(event)
        }
        // 复核: an operator's verdict, replacing an earlier one; each is audited with the verdict.
        api.on("events/:id/review", .post, role: .operator) { request, context in
            let id = try context.parameters.require("id")
            let input = try await request.decode(as: StrictFields<EventReviewInput>.self, context: context).value
            guard let verdict = input.verdict else {
                throw HTTPError(.unprocessableContent, message: "verdict must be 'confirmed' or 'false'")
            }
            if let note = input.note, let problem = EventReview.problem(withNote: note) {
                throw HTTPError(.unprocessableContent, message: problem)
            }
            let review = EventReview(verdict: verdict, by: context.caller?.name ?? "unknown", at: Date(), note: input.note)
            // Audited before the change (a change that cannot be audited is not made), once the event is known to exist.
            guard try await blocking({ try store.event(id: id) }) != nil else {
                throw HTTPError(.notFound, message: "no event \(id)")
            }
            try await audit(context, "event.review", id, detail: verdict.rawValue)
            let event = try await blocking {
                guard let event = try store.review(id: id, review) else { throw HTTPError(.notFound, message: "no event \(id)") }
                return event
            }
            return JSONResponse(event)
        }
        api.on("events/reviews", .get, role: .viewer) { request, _ in
            let (from, to) = (try request.time("from"), try request.time("to"))
            return JSONResponse(try await blocking { try store.reviewTallies(from: from, to: to) })
        }
        // Integrations resend when unsure; the Idempotency-Key makes a resend answer the first event instead of a second.
        api.on("sensors/:id/alarms", .post, role: .operator) { request, context in
            let id = try context.parameters.require("id")
            let input = try await request.decode(as: SensorAlarmInput.self, context: context)
            let key = request.headers[HTTPField.Name("Idempotency-Key")!]
            if let key, key.isEmpty || key.count > 200 {
                throw HTTPError(.badRequest, message: "Idempotency-Key must be 1–200 characters")
            }
            guard !input.alarm.isEmpty, input.alarm.count <= 100 else {
                throw HTTPError(.unprocessableContent, message: "alarm must be 1–100 characters")
            }
            // Keys belong to the sender (the token) and the sensor: another sensor's or another integration's key 1 is
            // another message.
            let idempotencyKey = key.map { IdempotencyKey($0, sender: "token:\(context.caller?.id ?? "none")") }
            let outcome = try await blocking {
                guard try registry.sensor(id: id) != nil else { throw RegistryError(.notFound, "no sensor \(id)") }
                return try engine.sensorAlarm(
                    sensor: id, alarm: input.alarm, phase: input.active == false ? .cleared : .raised, at: input.at ?? Date(),
                    idempotencyKey: idempotencyKey, value: input.value)
            }
            try await audit(
                context, "sensor.alarm", id,
                detail: "\(input.alarm) \(input.active == false ? "cleared" : "raised")\(key.map { " key \($0)" } ?? "")")
            switch outcome {
            case .recorded(let event): return JSONResponse(event, status: .created)
            case .duplicate(let event): return JSONResponse(event, status: .ok)
            case .ignored:
                throw HTTPError(.conflict, message: "sensor \(id) has no open '\(input.alarm)' alarm to clear")
            }
        }
    }

    /// The CLI's filters: device, grid (and every grid below it), location, kind (repeatable or comma-separated),
    /// state, from, to.
    static func eventQuery(_ request: Request) throws -> EventQuery {
        var query = EventQuery(
            device: request.query("device"), grid: request.query("grid"), keyLocation: request.query("location"),
            kinds: try request.choices("kind"),
            state: try request.choice("state"), from: try request.time("from"), to: try request.time("to"))
        query.review = try request.choice("review")
        return query
    }

    /// "<since as Unix seconds>_<id>" → the keyset position after which the next page starts. The seconds are
    /// the stored value exactly, so events that share a millisecond are neither skipped nor repeated.
    static func cursor(_ text: String) -> (since: Date, id: String)? {
        guard let split = text.firstIndex(of: "_"), let seconds = Double(text[..<split]), seconds.isFinite else { return nil }
        let since = Date(timeIntervalSince1970: seconds)
        return (since, String(text[text.index(after: split)...]))
    }

    /// The live stream's filter: the same fields as the query, checked against the event's own links.
    static func matches(_ event: Event, _ query: EventQuery) -> Bool {
        if let device = query.device, event.device != device { return false }
        if let grid = query.grid, !event.location.grids.contains(where: { $0.id == grid }) { return false }
        if let location = query.keyLocation, !event.location.keyLocations.contains(where: { $0.locationID == location }) {
            return false
        }
        if !query.kinds.isEmpty, !query.kinds.contains(event.kind) { return false }
        if let state = query.state, event.state != state { return false }
        if let filter = query.review, !filter.admits(event.review) { return false }
        return true
    }
}
