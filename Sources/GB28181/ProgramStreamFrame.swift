/// One GB/T 28181 PS frame (one pack: pack header, on keyframes a system header and a program stream map, then PES
/// packets) taken apart into the video access unit it carries, in Annex B, with its timestamps.
///
/// Skygate reads PS itself instead of feeding FFmpeg's `mpeg` demuxer: frames arrive whole from `FrameGate`, so
/// there is nothing to resynchronise, and the two device quirks FFmpeg fails on (GB28181.md) are handled here: a
/// stream joined before any map (the map is required before the first frame is used) and a zero-length video PES
/// (Hikvision), whose payload runs to the next pack or PES start code. That scan is safe because no H.264 or H.265
/// NAL unit header byte reaches 0xBA: `00 00 01 BA…FF` inside a PS frame is always a system start code.
public struct ProgramStreamFrame: Sendable, Equatable {
    /// The video access unit: the payloads of the frame's video PES packets, joined.
    public var accessUnit: [UInt8]
    /// The first video PES's presentation and decoding timestamps (90 kHz), when it carries them.
    public var pts: Int64?
    public var dts: Int64?
    /// The frame's program stream map, if it has one (keyframe packs do).
    public var map: ProgramStreamMap?
    /// Video PES packets that declared a length of zero (read to the next start code).
    public var zeroLengthPackets = 0

    /// Parses one frame. Nil when it does not start with a pack header or its packets do not hold together.
    /// - Parameter videoStream: the PES stream ID of the video (from an earlier map), when this frame has no map.
    public init?(_ bytes: [UInt8], videoStream: UInt8? = nil) {
        guard let afterPack = Self.packHeaderEnd(bytes) else { return nil }
        accessUnit = []
        var video = videoStream
        var index = afterPack
        while index + 6 <= bytes.count {
            guard bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 else { return nil }
            let id = bytes[index + 3]
            if id == 0xBA {
                // A second pack in the frame (some devices split a large frame into packs).
                guard let next = Self.packHeaderEnd(bytes, at: index) else { return nil }
                index = next
                continue
            }
            guard id >= 0xBB else { return nil }
            let declared = Int(bytes[index + 4]) << 8 | Int(bytes[index + 5])
            var end = index + 6 + declared
            if id == 0xBC, let parsed = ProgramStreamMap(bytes[index..<min(end, bytes.count)]) {
                map = parsed
                video = parsed.video?.stream.id ?? video
            }
            let isVideo = video.map { $0 == id } ?? (0xE0...0xEF).contains(id)
            if isVideo && declared == 0 {
                zeroLengthPackets += 1
                end = StartCodes.first(in: bytes, from: index + 9, codes: 0xBA...0xFF) ?? bytes.count
            }
            guard end <= bytes.count else { return nil }
            if isVideo {
                video = id
                guard readVideoPacket(bytes[index..<end]) else { return nil }
            }
            index = end
        }
    }

    /// Reads a video PES packet's header (MPEG-2 syntax: flags, header length, PTS/DTS) and keeps its payload.
    private mutating func readVideoPacket(_ packet: ArraySlice<UInt8>) -> Bool {
        let start = packet.startIndex
        guard packet.count >= 9, packet[start + 6] & 0xC0 == 0x80 else { return false }
        let flags = packet[start + 7] >> 6
        let payloadStart = start + 9 + Int(packet[start + 8])
        guard payloadStart <= packet.endIndex else { return false }
        if accessUnit.isEmpty && pts == nil {
            if flags & 0b10 != 0, packet.count >= 14 { pts = Self.timestamp(packet, at: start + 9) }
            if flags == 0b11, packet.count >= 19 { dts = Self.timestamp(packet, at: start + 14) }
        }
        accessUnit.append(contentsOf: packet[payloadStart...])
        return true
    }

    /// Where the pack header that starts at `index` ends: 14 bytes plus stuffing (MPEG-2), or 12 (MPEG-1).
    static func packHeaderEnd(_ bytes: [UInt8], at index: Int = 0) -> Int? {
        guard index + 12 <= bytes.count, bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1,
            bytes[index + 3] == 0xBA
        else { return nil }
        guard bytes[index + 4] & 0xC0 == 0x40 else { return index + 12 }
        guard index + 14 <= bytes.count else { return nil }
        let end = index + 14 + Int(bytes[index + 13] & 0x07)
        return end <= bytes.count ? end : nil
    }

    /// A 33-bit PTS or DTS in its five-byte PES form.
    static func timestamp(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int64 {
        let b = (0..<5).map { Int64(bytes[index + $0]) }
        return (b[0] >> 1 & 0x07) << 30 | b[1] << 22 | (b[2] >> 1) << 15 | b[3] << 7 | b[4] >> 1
    }
}
