import MediaIO
public import ServiceLifecycle

extension PatrolService: Service {
    /// Runs as a service of a group: patrols until the group shuts down, then aborts the visits under way.
    public func run() async throws {
        start()
        try? await gracefulShutdown()
        _ = try? await onOwnThread("patrol-stop") { self.stop(timeout: 5) }
    }
}
