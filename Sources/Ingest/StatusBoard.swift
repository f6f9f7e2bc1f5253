import Foundation
import Synchronization

/// What the service knows of its cameras right now; shared by the workers, the analysis pool and the publisher.
final class StatusBoard: Sendable {
    struct Board {
        var cameras: [String: CameraStatus] = [:]
        var storageAlarm: String?
        var startedAt = Date()
        /// Between the end of `start()` and the beginning of `stop()`.
        var running = false
        var removedBytes: Int64 = 0
        var recordedBytes: Int64 = 0
    }

    private let state = Mutex(Board())

    func withLock<T>(_ body: (inout Board) -> T) -> T { state.withLock { body(&$0) } }
}
