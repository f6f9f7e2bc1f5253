import MediaIO
public import ServiceLifecycle

extension IngestService: Service {
    /// Runs as a service of a group: starts a worker for every camera in record mode, runs until the group shuts down (or is
    /// cancelled), then stops every worker, closing segments and flushing the index. Start and stop block (SQLite,
    /// joining threads), so each runs on a thread of its own.
    public func run() async throws {
        try await onOwnThread("ingest-start") { try self.start() }
        try? await gracefulShutdown()
        _ = try? await onOwnThread("ingest-stop") { self.stop(timeout: 5) }
    }
}
