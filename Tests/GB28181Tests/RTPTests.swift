import Testing

@testable import GB28181

@Suite("RTP: packets, RFC 4571 framing, reordering, whole-frame gating")
struct RTPTests {
    static let keyframePack: [UInt8] = [
        0, 0, 1, 0xBA, 0x44, 0, 4, 0, 4, 1, 0, 0, 3, 0xF8, 0, 0, 1, 0xBB, 0, 2, 0, 0, 0, 0, 1, 0xBC,
    ]
    static let otherPack: [UInt8] = [0, 0, 1, 0xBA, 0x44, 0, 4, 0, 4, 1, 0, 0, 3, 0xF8, 0, 0, 1, 0xE0]

    /// A frame of `count` packets: one timestamp, the marker on the last; the first payload opens the pack.
    static func frame(_ first: UInt16, timestamp: UInt32, count: Int, keyframe: Bool) -> [RTPPacket] {
        (0..<count).map { index in
            RTPPacket(
                marker: index == count - 1, payloadType: 96, sequence: first &+ UInt16(index), timestamp: timestamp, ssrc: 7,
                payload: index == 0 ? (keyframe ? keyframePack : otherPack) : [UInt8](repeating: UInt8(index), count: 10))
        }
    }

    @Test("packets round-trip; CSRCs, extensions and padding are skipped; short or wrong-version data refused")
    func packets() throws {
        let packet = RTPPacket(
            marker: true, payloadType: 96, sequence: 65_535, timestamp: 3_000_000_000, ssrc: 0x1234_5678, payload: [1, 2, 3])
        #expect(RTPPacket(packet.bytes[...]) == packet)
        // Version 2, padding, extension, one CSRC; marker and PT 96.
        var wire: [UInt8] = [0xB1, 0xE0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 7, 0xAA, 0xAA, 0xAA, 0xAA, 0xBE, 0xDE, 0, 1, 9, 9, 9, 9]
        wire += [5, 6, 0, 0, 3]
        let parsed = try #require(RTPPacket(wire[...]))
        #expect(parsed.payload == [5, 6] && parsed.marker && parsed.payloadType == 96 && parsed.ssrc == 7)
        #expect(RTPPacket([0x80, 96, 0][...]) == nil && RTPPacket([UInt8](repeating: 0x40, count: 20)[...]) == nil)
    }

    @Test("RFC 4571: packets cut from a stream however it is split")
    func framing() {
        let packets = (0..<5).map {
            RTPPacket(
                marker: false, payloadType: 96, sequence: UInt16($0), timestamp: 0, ssrc: 1,
                payload: [UInt8](repeating: 1, count: $0 * 100)
            ).bytes
        }
        let stream = packets.flatMap(RFC4571Framer.frame)
        for chunk in [1, 7, 100, stream.count] {
            var framer = RFC4571Framer()
            var out: [[UInt8]] = []
            var index = 0
            while index < stream.count {
                out += framer.append(stream[index..<min(index + chunk, stream.count)]).map(Array.init)
                index += chunk
            }
            #expect(out == packets, "chunks of \(chunk)")
        }
    }

    @Test("reordering within the window, across the 16-bit wrap; a late packet dropped; a hole given up past the window")
    func reorder() {
        var window = ReorderWindow(size: 4)
        let packets = (0..<10).map {
            RTPPacket(marker: false, payloadType: 96, sequence: 65_532 &+ UInt16($0), timestamp: 0, ssrc: 1, payload: [])
        }
        var out: [UInt16?] = []
        for index in [0, 2, 1, 3, 5, 6, 7, 8, 9] { out += window.add(packets[index], at: 0).map { $0?.sequence } }
        // 4 (65536 → 0) never comes: given up once more than 4 wait.
        #expect(out == [65_532, 65_533, 65_534, 65_535, nil, 1, 2, 3, 4, 5].map { $0.map(UInt16.init) })
        #expect(window.add(packets[4], at: 0).isEmpty && window.late == 1)
    }

    @Test("a hole is given up once a packet behind it has waited 100 ms, however few wait")
    func reorderGivesUpInTime() {
        var window = ReorderWindow()
        let packets = (0..<5).map {
            RTPPacket(marker: false, payloadType: 96, sequence: UInt16($0), timestamp: 0, ssrc: 1, payload: [])
        }
        #expect(window.add(packets[0], at: 10).map { $0?.sequence } == [0])
        #expect(window.add(packets[2], at: 10.01).isEmpty)
        #expect(window.add(packets[3], at: 10.05).isEmpty, "reordering is waited out for 100 ms")
        #expect(window.add(packets[4], at: 10.12).map { $0?.sequence } == [nil, 2, 3, 4])
    }

    @Test(
        "the gate: starts at a keyframe pack, passes whole frames, drops a frame with a gap or without a marker and waits for the next keyframe"
    )
    func gate() {
        var gate = FrameGate()
        var sequence: UInt16 = 100
        var frames: [(packets: [RTPPacket], keyframe: Bool)] = []
        for (index, keyframe) in [false, true, false, false, true, false].enumerated() {
            frames.append((Self.frame(sequence, timestamp: UInt32(index * 3600), count: 3, keyframe: keyframe), keyframe))
            sequence &+= 3
        }
        var passed: [UInt32] = []
        for (index, frame) in frames.enumerated() {
            for (position, packet) in frame.packets.enumerated() {
                if index == 2 && position == 1 {
                    passed += gate.add(nil).map(\.timestamp)  // lost in the middle of frame 2
                    continue
                }
                passed += gate.add(packet).map(\.timestamp)
            }
        }
        // Frame 0 waits for a keyframe; 1 passes; 2 is broken, 3 waits; 4 (keyframe) and 5 pass.
        #expect(passed == [3600, 14_400, 18_000], "\(passed)")
        #expect(gate.passed == 3 && gate.dropped == 3)
        // A frame whose marker never comes is dropped when the next timestamp starts.
        var unmarked = FrameGate()
        var keyframe = Self.frame(1, timestamp: 0, count: 2, keyframe: true)
        keyframe[1].marker = false
        for packet in keyframe + Self.frame(3, timestamp: 3600, count: 2, keyframe: true) { _ = unmarked.add(packet) }
        #expect(unmarked.passed == 1 && unmarked.dropped == 1)
    }
}
