public import Events
import Foundation

/// What became of one message handed to a sink.
public enum DeliveryResult: Sendable, Equatable {
    case delivered
    /// This message failed (the receiver refused it): retried with backoff, dead-lettered after too many attempts.
    case failed(String)
    /// Not attempted: an earlier message of its device failed in the same batch, or the sink is unavailable.
    case notTried
}

/// A destination for events. A sink lives on its exporter's thread (it is not shared), may block, and must deliver
/// each device's messages in the order given, stopping at a device's first failure.
public protocol EventSink: AnyObject {
    /// The sink's name in the outbox (`webhook`, `ndjson`, `postgres`).
    var name: String { get }
    /// Delivers `messages` (oldest first); one result per message. Throws `SinkUnavailable` when the destination
    /// cannot be reached at all: then no message is charged an attempt and the whole sink backs off.
    func deliver(_ messages: [OutboxMessage]) throws -> [DeliveryResult]
    /// Releases connections and files.
    func close()
}

/// The destination cannot be reached (connection refused, timed out, the database is down): a sink-wide outage,
/// not a fault of any one message.
public struct SinkUnavailable: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension EventSink {
    /// After a batch failed as a whole: `messages` one at a time, so only a bad one is charged, and a device's later
    /// messages are not tried after its first failure (the order the protocol asks for).
    public func deliverOneByOne(_ messages: [OutboxMessage]) throws -> [DeliveryResult] {
        var failedDevices = Set<String>()
        return try messages.map { message in
            guard !failedDevices.contains(message.device) else { return .notTried }
            let result = try deliver([message])[0]
            if result != .delivered { failedDevices.insert(message.device) }
            return result
        }
    }
}
