/// The elementary streams a program stream map (ISO/IEC 13818-1 §2.5.4, start code 00 00 01 BC) declares: what a
/// GB/T 28181 keyframe pack says its video is. Skygate reads it itself: FFmpeg's PS demuxer guesses when a stream is
/// joined before a PSM, and devices send PSMs with wrong CRCs (Dahua) or odd audio types (TP-LINK).
public struct ProgramStreamMap: Sendable, Equatable {
    public struct Stream: Sendable, Equatable {
        /// 0x1B H.264, 0x24 H.265, 0x80 SVAC, 0x90 G.711 A-law, 0x91 G.711 µ-law, 0x0F AAC.
        public var type: UInt8
        /// The PES stream ID that carries it (0xE0… video, 0xC0… audio).
        public var id: UInt8
    }

    public enum Video: Sendable, Equatable {
        case h264, hevc, svac
    }

    public var streams: [Stream]

    /// The video stream Skygate can record (H.264 or H.265), if the map declares one.
    public var video: (stream: Stream, codec: Video)? {
        for stream in streams {
            switch stream.type {
            case 0x1B: return (stream, .h264)
            case 0x24: return (stream, .hevc)
            case 0x80: return (stream, .svac)
            default: continue
            }
        }
        return nil
    }

    /// Parses the map that starts at `bytes.startIndex` (its 00 00 01 BC). Nil when it is truncated or its lengths
    /// do not hold together; the CRC is not checked (devices get it wrong, and the map is in a checked RTP packet).
    public init?(_ bytes: ArraySlice<UInt8>) {
        let start = bytes.startIndex
        guard bytes.count >= 16, bytes[start] == 0, bytes[start + 1] == 0, bytes[start + 2] == 1, bytes[start + 3] == 0xBC
        else { return nil }
        let length = Int(bytes[start + 4]) << 8 | Int(bytes[start + 5])
        let end = start + 6 + length
        guard end <= bytes.endIndex else { return nil }
        let infoLength = Int(bytes[start + 8]) << 8 | Int(bytes[start + 9])
        var index = start + 10 + infoLength
        guard index + 2 <= end else { return nil }
        let mapLength = Int(bytes[index]) << 8 | Int(bytes[index + 1])
        index += 2
        let mapEnd = index + mapLength
        guard mapEnd <= end else { return nil }
        var streams: [Stream] = []
        while index + 4 <= mapEnd {
            let type = bytes[index]
            let id = bytes[index + 1]
            let descriptors = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            streams.append(Stream(type: type, id: id))
            index += 4 + descriptors
        }
        guard index == mapEnd else { return nil }
        self.streams = streams
    }

    /// The first map in `bytes`, wherever it starts.
    public static func first(in bytes: [UInt8]) -> ProgramStreamMap? {
        StartCodes.first(in: bytes, codes: 0xBC...0xBC).flatMap { ProgramStreamMap(bytes[$0...]) }
    }
}
