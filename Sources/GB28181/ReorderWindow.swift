/// Puts UDP RTP packets back in sequence order within a small window (RFC 3550 sequence numbers, 16 bits, wrapping).
/// A packet that arrives after its place was given up is dropped; a gap the window cannot wait out any longer is
/// passed on as a gap (the frame gate then drops the frames it breaks).
public struct ReorderWindow: Sendable {
    /// How many packets may wait for a missing one: at ~1,400 bytes a packet, 64 is about 90 KB, a few frames.
    public let size: Int
    private var waiting: [UInt16: RTPPacket] = [:]
    private var next: UInt16?
    public private(set) var late = 0

    public init(size: Int = 64) { self.size = size }

    /// Adds a packet; returns the packets now in order. A `nil` in the output marks a packet given up as lost.
    public mutating func add(_ packet: RTPPacket) -> [RTPPacket?] {
        guard let expected = next else {
            next = packet.sequence &+ 1
            return [packet]
        }
        let distance = Int16(bitPattern: packet.sequence &- expected)
        if distance < 0 {
            late += 1
            return []
        }
        waiting[packet.sequence] = packet
        var out: [RTPPacket?] = []
        var cursor = expected
        while true {
            if let ready = waiting.removeValue(forKey: cursor) {
                out.append(ready)
                cursor &+= 1
            } else if waiting.count > size {
                out.append(nil)  // give the missing one up
                cursor &+= 1
            } else {
                break
            }
        }
        next = cursor
        return out
    }
}
