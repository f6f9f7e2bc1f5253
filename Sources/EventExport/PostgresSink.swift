public import Events
import Foundation
import Logging
import MediaIO
import NIOCore
import NIOPosix
import PostgresNIO
import Redaction

/// Writes events into PostgreSQL: `skygate_event` holds each event's latest state (one row per event ID), and
/// `skygate_event_change` every transition once (keyed by event ID and revision, the outbox sequence). Both inserts
/// use `ON CONFLICT … DO NOTHING` (the event row updates only to a newer revision), so redelivery after a crash
/// changes nothing. Skygate creates the tables. Each batch is one transaction.
public final class PostgresSink: EventSink {
    public let name = "postgres"
    private let connection: PostgresConnection
    private let logger = Logger(label: "skygate.export.postgres")

    /// Connects to `url` (`postgres://user:password@host:port/database`) and creates the tables if missing.
    public init(url: String) throws {
        let configuration = try PostgresEndpoint.configuration(from: url)
        do {
            connection = try PostgresEndpoint.bounded(
                PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: logger))
        } catch {
            throw SinkUnavailable(
                "cannot connect to PostgreSQL at \(URLRedaction.redacting(url)): \(String(reflecting: error))")
        }
        do {
            for statement in Self.schema {
                _ = try PostgresEndpoint.bounded(connection.query(PostgresQuery(unsafeSQL: statement), logger: logger))
            }
        } catch {
            _ = try? PostgresEndpoint.bounded(connection.close())
            throw EventsError(.sinkFailed, "cannot create Skygate's tables in PostgreSQL", underlying: String(reflecting: error))
        }
    }

    static let schema = [
        """
        CREATE TABLE IF NOT EXISTS skygate_event (
            event_id TEXT PRIMARY KEY,
            device TEXT NOT NULL,
            kind TEXT NOT NULL,
            state TEXT NOT NULL,
            since TIMESTAMPTZ NOT NULL,
            raised_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            cleared_at TIMESTAMPTZ,
            revision BIGINT NOT NULL,
            body JSONB NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS skygate_event_by_device ON skygate_event (device, since)",
        """
        CREATE TABLE IF NOT EXISTS skygate_event_change (
            id BIGSERIAL PRIMARY KEY,
            event_id TEXT NOT NULL,
            revision BIGINT NOT NULL,
            device TEXT NOT NULL,
            phase TEXT NOT NULL,
            at TIMESTAMPTZ NOT NULL,
            received_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
            UNIQUE (event_id, revision))
        """,
    ]

    public func deliver(_ messages: [OutboxMessage]) throws -> [DeliveryResult] {
        do {
            guard !connection.isClosed else { throw SinkUnavailable("PostgreSQL connection closed") }
            _ = try PostgresEndpoint.bounded(connection.query("BEGIN", logger: logger))
            for message in messages {
                let event = try message.event
                let body = message.body
                _ = try PostgresEndpoint.bounded(
                    connection.query(
                        """
                        INSERT INTO skygate_event_change (event_id, revision, device, phase, at)
                        VALUES (\(event.id), \(message.sequence), \(event.device), \(message.phase.rawValue), \(event.updatedAt))
                        ON CONFLICT (event_id, revision) DO NOTHING
                        """, logger: logger))
                _ = try PostgresEndpoint.bounded(
                    connection.query(
                        """
                        INSERT INTO skygate_event (event_id, device, kind, state, since, raised_at, updated_at, cleared_at,
                            revision, body)
                        VALUES (\(event.id), \(event.device), \(event.kind.rawValue), \(event.state.rawValue), \(event.since),
                            \(event.raisedAt), \(event.updatedAt), \(event.clearedAt), \(message.sequence), \(body)::jsonb)
                        ON CONFLICT (event_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
                            cleared_at = excluded.cleared_at, revision = excluded.revision, body = excluded.body
                        WHERE skygate_event.revision < excluded.revision
                        """, logger: logger))
            }
            _ = try PostgresEndpoint.bounded(connection.query("COMMIT", logger: logger))
            return messages.map { _ in .delivered }
        } catch let error as SinkUnavailable {
            throw error
        } catch {
            if connection.isClosed { throw SinkUnavailable("PostgreSQL connection lost: \(String(reflecting: error))") }
            _ = try? PostgresEndpoint.bounded(connection.query("ROLLBACK", logger: logger))
            // One statement failed: the batch is retried message by message so only the bad one is charged.
            if messages.count > 1 { return try deliverOneByOne(messages) }
            return [.failed(String(reflecting: error))]
        }
    }

    public func close() {
        _ = try? PostgresEndpoint.bounded(connection.close())
    }
}
