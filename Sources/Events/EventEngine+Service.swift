import MediaIO
public import ServiceLifecycle

extension EventEngine: Service {
    /// Runs as a service of a group until it shuts down, then writes what is waiting and stops. Call `start()` before
    /// the group runs: the open events must be back in the detectors before ingest's first observation, and a group
    /// starts its services all at once, in no order.
    public func run() async throws {
        try? await gracefulShutdown()
        _ = try? await onOwnThread("events-stop") { self.stop() }
    }
}
