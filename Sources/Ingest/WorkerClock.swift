public import Dispatch
public import Foundation
import MediaIO

/// The time a camera worker lives by: a monotonic clock for durations, the wall clock for timelines and event times,
/// and waits that `stop()` cuts short. The system clock in service; a virtual one in tests, so the worker's rules
/// (backoff, flapping, stalls) replay in milliseconds.
public protocol WorkerClock: Sendable {
    /// Nanoseconds on a monotonic clock, which wall-clock changes never move.
    var monotonicNanoseconds: UInt64 { get }
    /// The wall-clock time now.
    var now: Date { get }
    /// Waits `seconds`, or less if `wake` is signalled.
    func wait(seconds: Double, wakingOn wake: DispatchSemaphore)
}

/// The real clocks, and a real wait.
public struct SystemClock: WorkerClock {
    public init() {}

    public var monotonicNanoseconds: UInt64 { MediaIO.monotonicNanoseconds() }
    public var now: Date { Date() }

    public func wait(seconds: Double, wakingOn wake: DispatchSemaphore) {
        _ = wake.wait(timeout: .now() + seconds)
    }
}
