internal import CFFmpeg
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The deadline and abort flag behind FFmpeg's `AVIOInterruptCB` for one input.
///
/// FFmpeg polls the callback from inside blocking calls (connect, read, probe); returning 1 makes the call fail with
/// `AVERROR_EXIT`. The demux thread arms a deadline before each call; any thread may `abort()` to end the input
/// promptly, for example when a camera is deleted.
public final class InterruptFlag: Sendable {
    private let aborted = Atomic<Bool>(false)
    private let deadline = Atomic<UInt64>(0)
    private let expired = Atomic<Bool>(false)

    /// Creates a flag with no deadline armed.
    public init() {}

    /// Makes every blocking call on the input fail as soon as FFmpeg next polls; safe from any thread.
    public func abort() { aborted.store(true, ordering: .releasing) }

    /// Whether `abort()` was called.
    public var isAborted: Bool { aborted.load(ordering: .acquiring) }

    /// Arms a deadline `seconds` from now on the monotonic clock (nil or ≤ 0 disarms it).
    ///
    /// Disarming keeps the record of whether the last deadline expired, so the caller can still tell a timeout from
    /// another failure after the call returned; arming a new deadline clears it.
    func arm(seconds: Double?) {
        guard let seconds, seconds > 0 else {
            deadline.store(0, ordering: .relaxed)
            return
        }
        expired.store(false, ordering: .relaxed)
        deadline.store(monotonicNanoseconds() &+ UInt64(seconds * 1e9), ordering: .relaxed)
    }

    /// Whether the armed deadline passed during the last call (as opposed to an abort or an ordinary error).
    var deadlineExpired: Bool { expired.load(ordering: .relaxed) }

    /// Called by FFmpeg, possibly thousands of times a second: keep it cheap.
    fileprivate func shouldInterrupt() -> Bool {
        if aborted.load(ordering: .relaxed) { return true }
        let due = deadline.load(ordering: .relaxed)
        if due != 0 && monotonicNanoseconds() >= due {
            expired.store(true, ordering: .relaxed)
            return true
        }
        return false
    }

    /// The callback struct to store in `AVFormatContext.interrupt_callback`; the flag must outlive the context.
    var callback: AVIOInterruptCB {
        AVIOInterruptCB(callback: interruptTrampoline, opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}

private let interruptTrampoline: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { opaque in
    guard let opaque else { return 0 }
    return Unmanaged<InterruptFlag>.fromOpaque(opaque).takeUnretainedValue().shouldInterrupt() ? 1 : 0
}

/// Nanoseconds on the monotonic clock, which wall-clock changes never move.
public func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}
