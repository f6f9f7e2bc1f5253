import NIOCore
import NIOPosix

/// SQLite reads and writes, file I/O and FFmpeg calls block their thread; the gateway runs them on this pool, so that
/// Swift's cooperative pool (one thread per core) keeps serving requests. Bounded: under load, blocking calls queue
/// for one of its threads instead of growing the process by a thread each (a concurrent dispatch queue, which ran
/// them before, grows to 64 threads). Four threads or two per core: SQLite readers and clip exports overlap I/O.
let blockingPool: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: max(4, 2 * System.coreCount))
    pool.start()
    return pool
}()

/// Runs `body` on the blocking pool and resumes with its result.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await blockingPool.runIfActive(body)
}
