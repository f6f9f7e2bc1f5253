/// One RTP packet (RFC 3550 §5.1): the header fields the receiver needs and the payload.
public struct RTPPacket: Sendable, Equatable {
    public var marker: Bool
    public var payloadType: UInt8
    public var sequence: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var payload: [UInt8]

    public init(marker: Bool, payloadType: UInt8, sequence: UInt16, timestamp: UInt32, ssrc: UInt32, payload: [UInt8]) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequence = sequence
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.payload = payload
    }

    /// Nil for anything that is not a well-formed version-2 packet (CSRCs, header extension and padding are skipped
    /// as their lengths say, and must fit).
    public init?(_ bytes: ArraySlice<UInt8>) {
        let start = bytes.startIndex
        guard bytes.count >= 12, bytes[start] >> 6 == 2 else { return nil }
        let padding = bytes[start] & 0x20 != 0
        let extensionPresent = bytes[start] & 0x10 != 0
        let csrcCount = Int(bytes[start] & 0x0F)
        marker = bytes[start + 1] & 0x80 != 0
        payloadType = bytes[start + 1] & 0x7F
        sequence = UInt16(bytes[start + 2]) << 8 | UInt16(bytes[start + 3])
        timestamp = bytes[(start + 4)..<(start + 8)].reduce(0) { $0 << 8 | UInt32($1) }
        ssrc = bytes[(start + 8)..<(start + 12)].reduce(0) { $0 << 8 | UInt32($1) }
        var index = start + 12 + 4 * csrcCount
        if extensionPresent {
            guard index + 4 <= bytes.endIndex else { return nil }
            index += 4 + 4 * (Int(bytes[index + 2]) << 8 | Int(bytes[index + 3]))
        }
        var end = bytes.endIndex
        if padding {
            guard let count = bytes.last, count > 0 else { return nil }
            end -= Int(count)
        }
        guard index <= end else { return nil }
        payload = Array(bytes[index..<end])
    }

    /// The packet on the wire (no CSRCs, no extension, no padding).
    public var bytes: [UInt8] {
        [0x80, (marker ? 0x80 : 0) | payloadType, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
            + [24, 16, 8, 0].map { UInt8((timestamp >> $0) & 0xFF) } + [24, 16, 8, 0].map { UInt8((ssrc >> $0) & 0xFF) }
            + payload
    }
}

/// RTP over TCP (RFC 4571): each packet preceded by its length in two bytes, big-endian.
public struct RFC4571Framer: Sendable {
    private var buffer: [UInt8] = []

    public init() {}

    /// Appends received bytes; returns the whole packets they complete.
    public mutating func append(_ bytes: some Collection<UInt8>) -> [ArraySlice<UInt8>] {
        buffer.append(contentsOf: bytes)
        var packets: [ArraySlice<UInt8>] = []
        var index = 0
        while index + 2 <= buffer.count {
            let length = Int(buffer[index]) << 8 | Int(buffer[index + 1])
            guard index + 2 + length <= buffer.count else { break }
            packets.append(buffer[(index + 2)..<(index + 2 + length)])
            index += 2 + length
        }
        let whole = packets.map { ArraySlice(Array($0)) }
        buffer.removeFirst(index)
        return whole
    }

    public static func frame(_ packet: [UInt8]) -> [UInt8] { [UInt8(packet.count >> 8), UInt8(packet.count & 0xFF)] + packet }
}
