import Access
import Events
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 17, item 2: review (复核) over the API.
@Suite("Event review over the API")
struct EventReviewRouteTests {
    @Test("an operator's verdict is kept with the event and audited; a correction replaces it; bad input is refused")
    func review() async throws {
        let fixture = try GatewayFixture()
        let event = try #require(
            try fixture.services.engine.sensorAlarm(
                sensor: GatewayFixture.sensor, alarm: "smoke", phase: .raised, at: Date(), idempotencyKey: nil
            ).event)
        let path = "/api/events/\(event.id)/review"
        try await fixture.application.test(.router) { client in
            func post(_ body: String) async throws -> TestResponse {
                try await client.execute(
                    uri: path, method: .post, headers: fixture.headers(.operator), body: ByteBuffer(string: body))
            }
            let before = try fixture.audit().count
            let falseAlarm = try await post(#"{"verdict":"false","note":"a test of the smoke detector\nby the caretaker"}"#)
            #expect(falseAlarm.status == .ok, "\(falseAlarm.text)")
            let reviewed = try falseAlarm.json(Event.self).review
            #expect(reviewed?.verdict == .falseAlarm && reviewed?.by == "test-operator")
            #expect(reviewed?.note == "a test of the smoke detector\nby the caretaker")
            let audit = try fixture.audit().dropFirst(before)
            #expect(
                audit.map { "\($0.action) \($0.target) \($0.detail ?? "")" } == ["event.review \(event.id) false"],
                "\(audit)")
            #expect(audit.first?.actor.hasPrefix("token:test-operator") == true)

            let tallied = try await client.execute(uri: "/api/events/reviews", method: .get, headers: fixture.headers(.viewer))
            let rows = try JSONSerialization.jsonObject(with: Data(tallied.text.utf8)) as? [[String: Any]]
            #expect(rows?.count == 1 && rows?.first?["falseAlarms"] as? Int == 1 && rows?.first?["unreviewed"] as? Int == 0)

            for (filter, count) in [("false", 1), ("confirmed", 0), ("none", 0)] {
                let listed = try await client.execute(
                    uri: "/api/events?review=\(filter)", method: .get, headers: fixture.headers(.viewer))
                #expect(try listed.json(EventPage.self).events.count == count, "review=\(filter)")
            }
            let badFilter = try await client.execute(
                uri: "/api/events?review=maybe", method: .get, headers: fixture.headers(.viewer))
            #expect(badFilter.status == .badRequest)
            let corrected = try await post(#"{"verdict":"confirmed"}"#)
            #expect(try corrected.json(Event.self).review?.verdict == .confirmed)
            #expect(try fixture.services.events.event(id: event.id)?.review?.note == nil, "the correction replaced it whole")

            for (body, status, says) in [
                (#"{"verdict":"maybe"}"#, HTTPResponse.Status.badRequest, "maybe"),
                (#"{"note":"no verdict"}"#, .unprocessableContent, "verdict"),
                (#"{"verdict":"false","reason":"x"}"#, .badRequest, "reason"),
                (#"{"verdict":"false","note":"\u001b[2J"}"#, .unprocessableContent, "control"),
                (#"{"verdict":"false","note":"\#(String(repeating: "x", count: 501))"}"#, .unprocessableContent, "500"),
            ] {
                let refused = try await post(body)
                #expect(refused.status == status && refused.text.contains(says), "\(body): \(refused.status) \(refused.text)")
            }
            #expect(try fixture.services.events.event(id: event.id)?.review?.verdict == .confirmed, "nothing refused was kept")
            let audited = try fixture.audit().count
            let missing = try await client.execute(
                uri: "/api/events/no-such-event/review", method: .post, headers: fixture.headers(.operator),
                body: ByteBuffer(string: #"{"verdict":"false"}"#))
            #expect(missing.status == .notFound)
            #expect(try fixture.audit().count == audited, "a review of no event leaves no audit row")
        }
    }
}
