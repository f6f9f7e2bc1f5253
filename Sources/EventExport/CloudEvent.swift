public import Events
public import Foundation

/// An outbox message as a CloudEvents 1.0 event in structured mode (`application/cloudevents+json`): the envelope
/// the webhook posts and each line of the NDJSON files.
public enum CloudEvent {
    /// The media type of a structured-mode CloudEvent.
    public static let contentType = "application/cloudevents+json"

    /// The event's ID for CloudEvents and Standard Webhooks: unique per transition, identical on every retry, so a
    /// receiver deduplicates on it.
    public static func id(of message: OutboxMessage) -> String { "\(message.eventID)-\(message.sequence)" }

    /// The JSON body for `message`, from gateway `source` (e.g. `/skygate/edge-01`). The stored event JSON goes in
    /// as it is (no decoding and encoding again per delivery).
    public static func encode(_ message: OutboxMessage, source: String) throws -> Data {
        let envelope = Envelope(
            id: id(of: message), source: source, type: "org.skygate.event.\(message.phase.rawValue)",
            subject: message.device, time: message.at)
        var head = try EventStore.encoder.encode(envelope)
        // `{…envelope…}` becomes `{…envelope…,"data":{"event":<stored>,"phase":…,"sequence":…}}`.
        head.removeLast()
        head.append(contentsOf: Array(#","data":{"event":"#.utf8))
        head.append(contentsOf: Array(message.body.utf8))
        head.append(contentsOf: Array(#","phase":"\#(message.phase.rawValue)","sequence":\#(message.sequence)}}"#.utf8))
        return head
    }

    struct Envelope: Encodable {
        let specversion = "1.0"
        var id: String
        var source: String
        var type: String
        var subject: String
        /// When the transition happened.
        var time: Date
        let datacontenttype = "application/json"
    }
}
