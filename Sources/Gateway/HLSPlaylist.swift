import Archive
import Foundation
import MediaIO
import NIOCore

/// An HLS media playlist (RFC 8216) whose entries are byte ranges of the recorded MPEG-TS segments, one per GOP:
/// playback straight from the keyframe index, with no remuxing. Entries name their segment file relative to the
/// playlist (`/play/CAPABILITY/index.m3u8` → `/play/CAPABILITY/SEGMENT.ts`), so the capability is written once.
///
/// Written as bytes, not as a `String`: a day of one-second GOPs is 86,400 entries, and building them with string
/// interpolation took 330 ms of a 470 ms request (perf, release build, `tools/bench/playback`); appending digits to
/// a buffer takes a few milliseconds.
enum HLSPlaylist {
    enum Kind {
        /// A finished range: `EXT-X-PLAYLIST-TYPE:VOD` and `EXT-X-ENDLIST`.
        case recorded
        /// Growing as keyframes are indexed: `EXT-X-PLAYLIST-TYPE:EVENT` and no end. Where a player starts is set by
        /// the capability's start (`GatewayServices.liveGOPs`), not by `EXT-X-START`, which Chromium ignores.
        case live
    }

    /// The playlist. `EXT-X-PROGRAM-DATE-TIME` is written on the first entry and after every discontinuity (where the
    /// wall clock cannot be counted on from the durations), `EXT-X-DISCONTINUITY` before every range whose timestamps
    /// do not follow on (gaps, reconnects, restarts). A range that begins where the previous one ended in the same
    /// file is written `EXT-X-BYTERANGE:LENGTH` without `@OFFSET` (RFC 8216, 4.3.2.2): most of a day's entries.
    ///
    /// A live playlist names each GOP as a resource of its own instead. Chromium fetches a segment file whole
    /// (`Range: bytes=0-`), keeps it, and believes the total size the answer's `Content-Range` gave; a segment still
    /// being written grows past that, so the GOPs appended to a live playlist later lay beyond what it thought the file
    /// held, and playback stalled after the first refresh (its network log: no request for the new ranges). A live
    /// entry is `OFFSET-LENGTH/SEGMENT.ts` (`addGOPRoute`), whose size never changes. A recorded playlist keeps byte
    /// ranges of the files: every range it lists is written before the playlist is fetched.
    static func bytes(_ ranges: [PlaybackRange], kind: Kind) -> ByteBuffer {
        let target = Int(ranges.indices.reduce(1.0) { max($0, ranges[$1].duration) }.rounded(.up))
        // About 60 bytes an entry: reserve for all of them at once.
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256 + ranges.count * 64)
        buffer.writeString("#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:\(max(target, 1))\n#EXT-X-MEDIA-SEQUENCE:0\n")
        buffer.writeString("#EXT-X-INDEPENDENT-SEGMENTS\n")
        switch kind {
        case .recorded: buffer.writeString("#EXT-X-PLAYLIST-TYPE:VOD\n")
        case .live: buffer.writeStaticString("#EXT-X-PLAYLIST-TYPE:EVENT\n")
        }
        // The segment of the previous entry, and its file name as bytes: ranges of one segment share one `String`
        // (the index reads each path once), so comparing with the previous one is cheap.
        var segment: String?
        var name: [UInt8] = []
        var end: Int64 = -1
        // Each range read in place (`ranges[index]`), not copied with its segment's `String` (a retain and a release
        // per entry).
        for index in ranges.indices {
            let dated = index == 0 || ranges[index].discontinuity
            let sameFile = ranges[index].segment == segment
            if !sameFile {
                segment = ranges[index].segment
                // The file name: after the last "/" (NSString's lastPathComponent cost 5 % of a day's build).
                let path = ranges[index].segment.utf8
                name = Array(path[(path.lastIndex(of: UInt8(ascii: "/")).map(path.index(after:)) ?? path.startIndex)...])
            }
            let date = dated ? Array(TimeText.format(ranges[index].wallClock).utf8) : []
            let (offset, length) = (ranges[index].offset, ranges[index].length)
            let entry = Entry(
                discontinuity: ranges[index].discontinuity, duration: ranges[index].duration, offset: offset, length: length,
                followsOn: sameFile && offset == end)
            // One capacity check per entry: the longest entry is its tags, three numbers of at most 19 digits, and
            // its name and date.
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.entryBytes + name.count + date.count) { memory in
                var out = RawBytes(memory)
                writeEntry(entry, kind: kind, date: date, name: name, to: &out)
                return out.count
            }
            end = offset + length
        }
        if case .recorded = kind { buffer.writeStaticString("#EXT-X-ENDLIST\n") }
        return buffer
    }

    /// What an entry says of its range, besides its file name and date.
    private struct Entry {
        var discontinuity: Bool
        var duration: Double
        var offset: Int64
        var length: Int64
        /// The range begins where the previous one of the same file ended.
        var followsOn: Bool
    }

    /// One entry: a discontinuity and the date when there is one (`date` empty when not), its duration, and its GOP as
    /// a byte range of `name` (recorded; without `@OFFSET` when it `followsOn` from the previous range of the file) or
    /// as `OFFSET-LENGTH/NAME` (live).
    private static func writeEntry(_ entry: Entry, kind: Kind, date: [UInt8], name: [UInt8], to out: inout RawBytes) {
        if entry.discontinuity { out.append("#EXT-X-DISCONTINUITY\n") }
        if !date.isEmpty {
            out.append("#EXT-X-PROGRAM-DATE-TIME:")
            out.append(date)
            out.append(UInt8(ascii: "\n"))
        }
        out.append("#EXTINF:")
        out.appendMilliseconds(Int64((entry.duration * 1000).rounded()))
        out.append(",\n")
        switch kind {
        case .live:
            out.appendDecimal(entry.offset)
            out.append(UInt8(ascii: "-"))
            out.appendDecimal(entry.length)
            out.append(UInt8(ascii: "/"))
        case .recorded:
            out.append("#EXT-X-BYTERANGE:")
            out.appendDecimal(entry.length)
            if !entry.followsOn {
                out.append(UInt8(ascii: "@"))
                out.appendDecimal(entry.offset)
            }
            out.append(UInt8(ascii: "\n"))
        }
        out.append(name)
        out.append(UInt8(ascii: "\n"))
    }

    /// More bytes than an entry takes besides its file name and date: its tags and three numbers of at most 19
    /// digits come to 136.
    static let entryBytes = 160
}

/// Bytes written straight into a buffer's memory, for the playlist's hot loop: a bounds check per entry (the caller
/// reserves enough for the longest) rather than a capacity and exclusivity check per byte, which took 30 % of a day's
/// build through `ByteBuffer`'s own writes (perf, `tools/bench/playback`).
struct RawBytes {
    private let memory: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(_ memory: UnsafeMutableRawBufferPointer) { self.memory = memory }

    mutating func append(_ byte: UInt8) {
        memory[count] = byte
        count += 1
    }

    mutating func append(_ text: StaticString) {
        // Copied from the literal's storage; `utf8Start` traps on a one-character literal (stored as a scalar), which
        // goes through `withUTF8Buffer`. The closure and slice of `withUTF8Buffer` for every tag took 4 % of a day's
        // build (perf).
        guard text.hasPointerRepresentation else {
            return text.withUTF8Buffer { for byte in $0 { append(byte) } }
        }
        precondition(count + text.utf8CodeUnitCount <= memory.count)
        (memory.baseAddress! + count).copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { bytes in
            UnsafeMutableRawBufferPointer(rebasing: memory[count..<count + bytes.count]).copyMemory(from: bytes)
        }
        count += bytes.count
    }

    /// A non-negative integer in decimal digits (a negative one as 0): its digits counted by comparison, then set
    /// two at a time from the last (half the divisions; the digit loop was 6 % of a day's build, perf).
    mutating func appendDecimal(_ value: Int64) {
        var rest = UInt64(max(value, 0))
        var digits = 1
        var bound: UInt64 = 10
        // An Int64 has at most 19 digits, and 10^19 still fits a UInt64.
        while digits < 19 && rest >= bound {
            digits += 1
            bound &*= 10
        }
        precondition(count + digits <= memory.count)
        var position = count + digits
        while rest >= 100 {
            let pair = Int(rest % 100) * 2
            rest /= 100
            position -= 2
            memory[position] = Self.pairs[pair]
            memory[position + 1] = Self.pairs[pair + 1]
        }
        if rest >= 10 {
            position -= 2
            memory[position] = Self.pairs[Int(rest) * 2]
            memory[position + 1] = Self.pairs[Int(rest) * 2 + 1]
        } else {
            memory[position - 1] = UInt8(ascii: "0") + UInt8(rest)
        }
        count += digits
    }

    /// "00" to "99", two bytes each.
    private static let pairs: [UInt8] = (0..<100).flatMap {
        [UInt8(ascii: "0") + UInt8($0 / 10), UInt8(ascii: "0") + UInt8($0 % 10)]
    }

    /// `milliseconds` as seconds with three decimals (`1234` → `1.234`).
    mutating func appendMilliseconds(_ milliseconds: Int64) {
        if milliseconds < 0 { append(UInt8(ascii: "-")) }
        let magnitude = milliseconds.magnitude
        appendDecimal(Int64(magnitude / 1000))
        let fraction = magnitude % 1000
        append(UInt8(ascii: "."))
        append(UInt8(ascii: "0") + UInt8(fraction / 100))
        append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }
}
