import Foundation

/// An outbox message as a CloudEvents 1.0 event in structured mode (`application/cloudevents+json`): the envelope
/// the webhook posts and each line of the NDJSON files.
public enum CloudEvent {
    /// The media type of a structured-mode CloudEvent.
    public static let contentType = "application/cloudevents+json"

    /// The event's ID for CloudEvents and Standard Webhooks: unique per transition, identical on every retry, so a
    /// receiver deduplicates on it.
    public static func id(of message: OutboxMessage) -> String { "\(message.eventID)-\(message.sequence)" }

    /// The JSON body for `message`, from gateway `source` (e.g. `/skygate/edge-01`).
    public static func encode(_ message: OutboxMessage, source: String) throws -> Data {
        let envelope = Envelope(
            id: id(of: message), source: source, type: "org.skygate.event.\(message.phase.rawValue)",
            subject: message.device, time: message.event.updatedAt,
            data: Payload(sequence: message.sequence, phase: message.phase, event: message.event))
        return try EventStore.encoder.encode(envelope)
    }

    struct Envelope: Encodable {
        let specversion = "1.0"
        var id: String
        var source: String
        var type: String
        var subject: String
        var time: Date
        let datacontenttype = "application/json"
        var data: Payload
    }

    struct Payload: Encodable {
        /// The outbox sequence: a device's transitions in order.
        var sequence: Int64
        var phase: DetectorTransition.Phase
        var event: Event
    }
}
