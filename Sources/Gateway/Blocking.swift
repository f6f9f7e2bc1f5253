import Dispatch

/// SQLite reads and writes, file I/O and FFmpeg calls block their thread; they run here, on threads of their own,
/// so that Swift's cooperative pool (one thread per core) keeps serving requests.
private let blockingQueue = DispatchQueue(label: "skygate.gateway.blocking", qos: .userInitiated, attributes: .concurrent)

/// Runs `body` on a dispatch thread and resumes with its result.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        blockingQueue.async { continuation.resume(with: Result { try body() }) }
    }
}
