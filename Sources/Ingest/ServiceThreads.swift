import Dispatch
import Foundation
import MediaIO
import Synchronization

/// The long-running threads of a service (not Swift's cooperative pool: they block), with one stop flag and a wait
/// for all of them to end. Shared by the ingest service and the event engine.
public final class ServiceThreads: Sendable {
    private let stopping = Mutex(false)
    private let running = DispatchGroup()

    public init() {}

    /// Starts `body` on a named thread of its own.
    public func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        running.enter()
        startThread(name) { [running] in
            body()
            running.leave()
        }
    }

    /// Whether `stop()` was called; the threads' loops check it.
    public var isStopping: Bool { stopping.withLock { $0 } }

    /// Raises the stop flag; false if it was raised already.
    @discardableResult
    public func stop() -> Bool {
        stopping.withLock { value in
            defer { value = true }
            return !value
        }
    }

    /// Waits for every thread to end, at most `timeout` seconds (nil: for ever); false on the deadline.
    @discardableResult
    public func wait(timeout: Double? = nil) -> Bool {
        guard let timeout else {
            running.wait()
            return true
        }
        return running.wait(timeout: .now() + timeout) == .success
    }
}
