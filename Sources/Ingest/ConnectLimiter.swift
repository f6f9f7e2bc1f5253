import Foundation
import Synchronization

/// Bounds how many cameras connect at once, so a mass outage (a switch rebooting) does not become a connect storm
/// when everything comes back. Shared by the workers of one supervisor.
public final class ConnectLimiter: Sendable {
    /// Free slots. A counter, not a `DispatchSemaphore`: libdispatch traps when a semaphore is freed below its
    /// initial count, which a limiter released with a slot taken would be.
    private let free: Mutex<Int>

    public init(maximum: Int) {
        precondition(maximum > 0, "at least one connect must be allowed")
        free = Mutex(maximum)
    }

    /// Waits for a slot, giving up (false) as soon as `cancelled` says so; checks every 20 ms.
    func acquire(unless cancelled: () -> Bool) -> Bool {
        while !cancelled() {
            let taken = free.withLock { count -> Bool in
                guard count > 0 else { return false }
                count -= 1
                return true
            }
            if taken { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    func release() { free.withLock { $0 += 1 } }
}

extension ConnectLimiter {
    /// For tests: waits for a slot, giving up after `cancelledAfter` seconds.
    public func acquireForTesting(cancelledAfter seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        return acquire(unless: { Date() >= deadline })
    }

    /// For tests: gives a slot back.
    public func releaseForTesting() { release() }
}
