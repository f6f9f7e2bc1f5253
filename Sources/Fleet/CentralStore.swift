import EventExport
public import Foundation
import Logging
import NIOCore
import NIOPosix
internal import PostgresNIO

/// The fleet's central store: one connection to PostgreSQL (through the HAProxy in front of Patroni's primary),
/// migrated to `CentralSchema` on connect. Calls block the calling thread, with a deadline each
/// (`PostgresEndpoint.bounded`): the fleet agent runs them on a thread of its own, the CLI on its main thread.
///
/// The database's clock is the only one that counts: leases expire at `now()` on the server, never at a gateway's
/// time, so a gateway with a wrong clock neither keeps nor loses a lease by it.
public final class CentralStore: Sendable {
    /// How long a lease lasts after each renewal.
    public let leaseSeconds: Double
    private let connection: PostgresConnection
    private let logger = Logger(label: "skygate.fleet.central")

    /// Connects to `url` (`postgres://user:password@host:port/database`) and brings the schema up to date.
    /// - Parameter leaseSeconds: 15 by default (`FLEET.md`): renewed every 5 s, a gateway survives two lost renewals.
    public init(url: String, leaseSeconds: Double = 15) throws {
        self.leaseSeconds = leaseSeconds
        let configuration: PostgresConnection.Configuration
        do {
            configuration = try PostgresEndpoint.configuration(from: url)
        } catch {
            throw FleetError(.invalidConfiguration, "the central store's URL", underlying: "\(error)")
        }
        do {
            connection = try PostgresEndpoint.bounded(
                PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: logger),
                seconds: 10)
        } catch {
            throw FleetError(.unavailable, "cannot reach the central store", underlying: String(reflecting: error))
        }
        do {
            // A gateway stopped mid-transaction (SIGSTOP) must not hold the rows it locked: the server ends such a
            // session after 5 s. No statement waits longer than 10 s.
            try execute("SET idle_in_transaction_session_timeout = '5s'")
            try execute("SET statement_timeout = '10s'")
            // A pass or an operator's command waits at most 2 s for a row another holds.
            try execute("SET lock_timeout = '2s'")
            try migrate()
        } catch {
            close()
            throw error
        }
    }

    /// Applies the migrations not yet applied, in one transaction, under a transaction-scoped advisory lock: two
    /// gateways starting together must not both apply one (nor both create the version table, which PostgreSQL's
    /// `IF NOT EXISTS` does not make safe). A session lock would outlive a dead peer; this one ends with its
    /// transaction.
    private func migrate() throws {
        try transaction {
            try execute("SELECT pg_advisory_xact_lock(hashtext('skygate central schema'))")
            try execute(
                "CREATE TABLE IF NOT EXISTS skygate_central_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
            )
            let current = try schemaVersion()
            for (index, statements) in CentralSchema.migrations.enumerated() where index + 1 > current {
                for statement in statements { try execute(PostgresQuery(unsafeSQL: statement)) }
                try execute("INSERT INTO skygate_central_schema VALUES (\(index + 1), now())")
            }
        }
    }

    /// The schema's version.
    public func schemaVersion() throws -> Int {
        try query("SELECT max(version) FROM skygate_central_schema").rows.first.flatMap { try $0.decode(Int?.self) } ?? 0
    }

    /// Closes the connection (also done when the store goes away).
    public func close() {
        guard !connection.isClosed else { return }
        _ = try? PostgresEndpoint.bounded(connection.close())
    }

    deinit { close() }

    // MARK: - Statements

    /// Runs `query`. The server's refusals (an SQLSTATE) are `storeFailed` (`staleEpoch` for the fence's); anything
    /// else (no answer within the deadline, a connection lost or reset) is `unavailable`, and closes the connection:
    /// its state is unknown, and a caller must not go on charging messages to a link that hangs.
    func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        do {
            return try PostgresEndpoint.bounded(connection.query(query, logger: logger))
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "SG001" {
            throw FleetError(.staleEpoch, error.serverInfo?[.message] ?? "stale epoch")
        } catch let error as PSQLError where error.serverInfo != nil {
            throw FleetError(.storeFailed, "a statement of the central store failed", underlying: String(reflecting: error))
        } catch {
            close()
            throw FleetError(.unavailable, "the central store did not answer", underlying: String(reflecting: error))
        }
    }

    func execute(_ statement: PostgresQuery) throws { _ = try query(statement) }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        do {
            try execute("BEGIN")
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}
