/// RTP timestamps as one growing count: they are 32 bits (RFC 3550, 5.1) and go round every 13.25 hours at GB/T
/// 28181's 90 kHz. `GBPacketSource` falls back on them when a device writes no PES PTS, and the sanitiser downstream
/// unwraps MPEG's 33-bit clock only: it took the 32-bit wrap for a timestamp reset, a false discontinuity in the index
/// twice a day.
struct RTPTimestampUnwrapper {
    private var last: UInt32?
    private var wraps: Int64 = 0

    /// `timestamp` extended to 64 bits. A step back by more than half the 32-bit range is the counter going round; a
    /// step forward by more than half, after a wrap, is a late frame from before it (counted in the previous round,
    /// and the newest timestamp kept). A smaller step back is the device's reset, left for the sanitiser to see.
    mutating func unwrap(_ timestamp: UInt32) -> Int64 {
        guard let last else {
            self.last = timestamp
            return Int64(timestamp)
        }
        if wraps > 0 && timestamp > last && timestamp - last > 1 << 31 {
            return Int64(timestamp) + (wraps - 1) << 32
        }
        if timestamp < last && last - timestamp > 1 << 31 { wraps += 1 }
        self.last = timestamp
        return Int64(timestamp) + wraps << 32
    }
}
