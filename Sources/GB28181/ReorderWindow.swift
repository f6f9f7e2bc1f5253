/// Puts UDP RTP packets back in sequence order within a small window (RFC 3550 sequence numbers, 16 bits, wrapping).
/// A packet that arrives after its place was given up is dropped; a gap the window cannot wait out any longer is
/// passed on as a gap (the frame gate then drops the frames it breaks). A gap is waited out while fewer than `size`
/// packets wait behind it and none of them has waited `maximumWait` seconds: reordering on a network is a matter of
/// milliseconds, and a count alone would hold a low-bitrate stream's pictures for seconds behind one lost packet.
/// A value that takes time as an input.
public struct ReorderWindow: Sendable {
    /// How many packets may wait for a missing one: at ~1,400 bytes a packet, 64 is about 90 KB, a few frames.
    public let size: Int
    public let maximumWait: Double
    private var waiting: [UInt16: (packet: RTPPacket, arrived: Double)] = [:]
    private var next: UInt16?
    public private(set) var late = 0

    public init(size: Int = 64, maximumWait: Double = 0.1) {
        self.size = size
        self.maximumWait = maximumWait
    }

    /// Adds a packet that arrived at `now` (seconds on any monotonic clock); returns the packets now in order. A `nil`
    /// in the output marks a packet given up as lost.
    public mutating func add(_ packet: RTPPacket, at now: Double) -> [RTPPacket?] {
        guard let expected = next else {
            next = packet.sequence &+ 1
            return [packet]
        }
        let distance = Int16(bitPattern: packet.sequence &- expected)
        if distance < 0 {
            late += 1
            return []
        }
        waiting[packet.sequence] = (packet, now)
        var out: [RTPPacket?] = []
        var cursor = expected
        while !waiting.isEmpty {
            if let ready = waiting.removeValue(forKey: cursor) {
                out.append(ready.packet)
            } else if waiting.count > size || waiting.values.contains(where: { now - $0.arrived > maximumWait }) {
                out.append(nil)  // give the missing one up
            } else {
                break
            }
            cursor &+= 1
        }
        next = cursor
        return out
    }
}
