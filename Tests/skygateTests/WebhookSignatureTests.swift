import EventExport
import Foundation
import Testing

@Suite("Webhook signatures")
struct WebhookSignatureTests {
    /// The Standard Webhooks specification's own example (its reference libraries test with it).
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let timestamp = "1614265330"
    static let body = Data(#"{"test": 2432232314}"#.utf8)
    static let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    @Test("signs as the specification's example does")
    func signsLikeTheSpecification() throws {
        let signature = try WebhookSignature(secret: Self.secret)
        #expect(signature.signature(id: Self.id, timestamp: Self.timestamp, body: Self.body) == Self.expected)
    }

    /// Issue 13, item 10: verification compared strings (not in constant time) and accepted any timestamp.
    @Test("verification accepts a valid signature within five minutes and refuses replays, tampering and garbage")
    func verifies() throws {
        let signature = try WebhookSignature(secret: Self.secret)
        let sent = Date(timeIntervalSince1970: 1_614_265_330)
        func verify(_ header: String, body: Data = Self.body, at now: Date) -> Bool {
            signature.verify(id: Self.id, timestamp: Self.timestamp, body: body, header: header, now: now)
        }
        #expect(verify(Self.expected, at: sent + 60))
        #expect(verify("v1,bm90IGl0 " + Self.expected, at: sent - 60), "one of several signatures")
        #expect(!verify(Self.expected, at: sent + 301), "a message replayed after the tolerance")
        #expect(!verify(Self.expected, at: sent - 301), "a message from the future")
        #expect(!verify(Self.expected, body: Data(#"{"test": 2432232315}"#.utf8), at: sent), "a tampered body")
        #expect(!verify("v1,%%%", at: sent) && !verify("", at: sent) && !verify("v2," + Self.expected.dropFirst(3), at: sent))
    }
}
