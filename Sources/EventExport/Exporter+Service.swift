import MediaIO
public import ServiceLifecycle

extension Exporter: Service {
    /// Runs as a service of a group (the exporter's thread started with it) until the group shuts down, then stops
    /// after the round in progress; what is not delivered stays in the outbox for the next start.
    public func run() async throws {
        try? await gracefulShutdown()
        _ = try? await onOwnThread("export-stop") { self.stop() }
    }
}
