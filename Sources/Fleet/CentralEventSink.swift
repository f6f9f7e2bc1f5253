import CameraRegistry
public import EventExport
public import Events
import Foundation
import Logging
internal import PostgresNIO

/// The central store as a sink of a fleet gateway's outbox (`central`): each transition once, keyed by the gateway
/// and its outbox sequence (`ON CONFLICT DO NOTHING`, so redelivery after a crash or a cut changes nothing), and each
/// event's latest state, updated only by a newer revision. Each change carries the epoch at which the gateway held the
/// event's grid when it delivered it (nil: not its grid any more, or none), so the centre can tell what a gateway
/// reported after its grid had moved. A batch is one transaction.
public final class CentralEventSink: EventSink {
    public let name = "central"
    private let store: CentralStore
    private let gateway: String
    /// The epoch of each grid the gateway holds now (`FleetAgent.epochs`).
    private let epochs: @Sendable () -> [String: Int64]

    public init(url: String, gateway: String, epochs: @escaping @Sendable () -> [String: Int64]) throws {
        do {
            store = try CentralStore(url: url)
        } catch let error as FleetError where error.code == .unavailable {
            throw SinkUnavailable(error.description)
        }
        self.gateway = gateway
        self.epochs = epochs
    }

    public func deliver(_ messages: [OutboxMessage]) throws -> [DeliveryResult] {
        let held = epochs()
        do {
            try store.transaction {
                for message in messages {
                    let event = try message.event
                    // The finest grid of the event's path that the gateway holds, else its finest grid.
                    let grid = event.location.grids.first { held[$0.id] != nil }?.id ?? event.location.grids.first?.id
                    let epoch = grid.flatMap { held[$0] }
                    try store.execute(
                        """
                        INSERT INTO fleet_event_change (gateway, sequence, event_id, device, phase, at, epoch)
                        VALUES (\(gateway), \(message.sequence), \(event.id), \(event.device), \(message.phase.rawValue),
                            \(event.updatedAt), \(epoch))
                        ON CONFLICT (gateway, sequence) DO NOTHING
                        """)
                    try store.execute(
                        """
                        INSERT INTO fleet_event (event_id, gateway, device, kind, state, grid_id, since, raised_at, updated_at,
                            cleared_at, revision, body)
                        VALUES (\(event.id), \(gateway), \(event.device), \(event.kind.rawValue), \(event.state.rawValue), \(grid),
                            \(event.since), \(event.raisedAt), \(event.updatedAt), \(event.clearedAt), \(message.sequence),
                            \(message.body)::jsonb)
                        ON CONFLICT (event_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
                            cleared_at = excluded.cleared_at, revision = excluded.revision, body = excluded.body
                        WHERE fleet_event.revision < excluded.revision
                        """)
                }
            }
            return messages.map { _ in .delivered }
        } catch let error as FleetError where error.code != .storeFailed {
            // Not the server refusing a message: the link. No message is charged an attempt; the exporter backs off
            // and makes the sink again (the store closed its connection).
            throw SinkUnavailable(error.description)
        } catch {
            // A bad message (one the centre refuses) must not hold other devices': one at a time, as the PostgreSQL
            // sink does, a device's later messages not tried after its first failure.
            guard messages.count > 1 else { return [.failed("\(error)")] }
            return try deliverOneByOne(messages)
        }
    }

    public func close() { store.close() }
}
