import Foundation

/// Starts `body` on a new thread named `name`: the one way Skygate starts a long-running thread (camera workers,
/// analysis lanes, exporters, service loops). Blocking calls (libav, SQLite, file loops) belong on such threads,
/// never on Swift's cooperative pool, which has one thread per core. It lives in MediaIO, the base every module
/// builds on, because libav's blocking calls are why the threads exist.
public func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
    // Named from inside: Foundation on Linux passes a name to the kernel (`top -H`, /proc/<pid>/task/*/comm, which keep
    // 15 bytes) only when the thread names itself.
    let thread = Thread {
        Thread.current.name = name
        body()
    }
    thread.start()
}

/// Runs blocking `body` on a thread of its own and resumes with its result: for starting and stopping services from
/// async code. (Request-scoped blocking work in the gateway uses its bounded pool instead.)
public func onOwnThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        startThread(name) { continuation.resume(with: Result { try body() }) }
    }
}
