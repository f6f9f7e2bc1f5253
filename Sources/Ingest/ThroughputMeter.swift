/// Counts what a connection receives and reports it about once a second: bytes, and pictures rather than packets
/// (encoders send two packets with one timestamp at keyframes).
struct ThroughputMeter {
    /// What was received over `seconds`.
    struct Reading: Equatable {
        var bytes: Int
        var frames: Int
        var seconds: Double
    }

    private var since: UInt64
    private var bytes = 0
    private var frames = 0
    private var lastStamp: Int64?

    /// Starts counting at `now` (monotonic nanoseconds).
    init(startingAt now: UInt64) { since = now }

    /// Counts a packet of `bytes` with timestamp `stamp` received at `now`; a reading once a second has passed.
    mutating func count(bytes size: Int, stamp: Int64?, at now: UInt64) -> Reading? {
        bytes += size
        if stamp == nil || stamp != lastStamp { frames += 1 }
        lastStamp = stamp
        guard now - since >= 1_000_000_000 else { return nil }
        defer { (since, bytes, frames) = (now, 0, 0) }
        return Reading(bytes: bytes, frames: frames, seconds: Double(now - since) / 1e9)
    }
}
