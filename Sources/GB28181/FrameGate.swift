/// Lets whole PS frames through and nothing else. A GB/T 28181 device sends one frame as RTP packets sharing one
/// timestamp, the last with the marker bit. A frame with a sequence gap, or one that ends without a marker, is
/// dropped; after a drop, and at the start, frames are dropped until a keyframe pack (a pack header followed by a
/// program stream map) starts a new picture sequence. Measured with FFmpeg 5.1 (GB28181.md): without this, 1 % loss
/// passed corrupt frames and packets without timestamps into the recording; with it, none.
public struct FrameGate: Sendable {
    public struct Frame: Sendable, Equatable {
        public var timestamp: UInt32
        /// The frame's PS bytes: its packets' payloads, in order.
        public var payload: [UInt8]
        public var isKeyframe: Bool
    }

    public private(set) var passed = 0
    /// Frames dropped: broken (a gap or no marker), or waiting for a keyframe.
    public private(set) var dropped = 0
    private var current: (timestamp: UInt32, payload: [UInt8], broken: Bool)?
    private var lastSequence: UInt16?
    private var needKeyframe = true

    public init() {}

    /// Takes the next packet in sequence order (`nil`: a packet lost), returns the frames it completes.
    public mutating func add(_ packet: RTPPacket?) -> [Frame] {
        guard let packet else {
            // Lost: the frame it belonged to is broken, whether the current one or the next (its first packet).
            current?.broken = true
            needKeyframe = true
            lastSequence = lastSequence.map { $0 &+ 1 }
            return []
        }
        var out: [Frame] = []
        let gap = lastSequence.map { packet.sequence != $0 &+ 1 } ?? false
        lastSequence = packet.sequence
        if current.map({ $0.timestamp != packet.timestamp }) == true {
            // The previous frame ended without its marker.
            current = nil
            drop()
        }
        if current == nil {
            current = (packet.timestamp, [], gap)
        } else if gap {
            current?.broken = true
        }
        current?.payload.append(contentsOf: packet.payload)
        if packet.marker, let frame = current {
            current = nil
            if let whole = finish(frame) { out.append(whole) }
        }
        return out
    }

    private mutating func finish(_ frame: (timestamp: UInt32, payload: [UInt8], broken: Bool)) -> Frame? {
        guard !frame.broken else {
            drop()
            return nil
        }
        let keyframe = Self.isKeyframePack(frame.payload)
        if needKeyframe && !keyframe {
            dropped += 1
            return nil
        }
        needKeyframe = false
        passed += 1
        return Frame(timestamp: frame.timestamp, payload: frame.payload, isKeyframe: keyframe)
    }

    private mutating func drop() {
        dropped += 1
        needKeyframe = true
    }

    /// A pack header (00 00 01 BA) at the start and a program stream map (00 00 01 BC) within the first bytes: how
    /// devices mark the pack that starts with a keyframe.
    static func isKeyframePack(_ payload: [UInt8]) -> Bool {
        guard StartCodes.first(in: payload, before: 4, codes: 0xBA...0xBA) == 0 else { return false }
        return StartCodes.first(in: payload, from: 4, before: 512, codes: 0xBC...0xBC) != nil
    }
}
