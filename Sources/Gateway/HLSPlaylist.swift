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
        let target = Int((ranges.map(\.duration).max() ?? 1).rounded(.up))
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
        for (index, range) in ranges.enumerated() {
            if range.discontinuity { buffer.writeStaticString("#EXT-X-DISCONTINUITY\n") }
            if index == 0 || range.discontinuity {
                buffer.writeString("#EXT-X-PROGRAM-DATE-TIME:\(TimeText.format(range.wallClock))\n")
            }
            let sameFile = range.segment == segment
            if !sameFile {
                segment = range.segment
                // The file name: after the last "/" (NSString's lastPathComponent cost 5 % of a day's build).
                let path = range.segment.utf8
                name = Array(path[(path.lastIndex(of: UInt8(ascii: "/")).map(path.index(after:)) ?? path.startIndex)...])
            }
            buffer.writeStaticString("#EXTINF:")
            writeMilliseconds(Int64((range.duration * 1000).rounded()), to: &buffer)
            buffer.writeStaticString(",\n")
            if case .live = kind {
                writeDecimal(range.offset, to: &buffer)
                buffer.writeInteger(UInt8(ascii: "-"))
                writeDecimal(range.length, to: &buffer)
                buffer.writeInteger(UInt8(ascii: "/"))
            } else {
                buffer.writeStaticString("#EXT-X-BYTERANGE:")
                writeDecimal(range.length, to: &buffer)
                if !(sameFile && range.offset == end) {
                    buffer.writeInteger(UInt8(ascii: "@"))
                    writeDecimal(range.offset, to: &buffer)
                }
                buffer.writeInteger(UInt8(ascii: "\n"))
            }
            buffer.writeBytes(name)
            buffer.writeInteger(UInt8(ascii: "\n"))
            end = range.offset + range.length
        }
        if case .recorded = kind { buffer.writeStaticString("#EXT-X-ENDLIST\n") }
        return buffer
    }

    /// `milliseconds` as seconds with three decimals (`1234` → `1.234`).
    private static func writeMilliseconds(_ milliseconds: Int64, to buffer: inout ByteBuffer) {
        let sign = milliseconds < 0
        let magnitude = milliseconds.magnitude
        if sign { buffer.writeInteger(UInt8(ascii: "-")) }
        writeDecimal(Int64(magnitude / 1000), to: &buffer)
        let fraction = magnitude % 1000
        buffer.writeInteger(UInt8(ascii: "."))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(fraction / 100))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        buffer.writeInteger(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    /// A non-negative integer in decimal digits, without making a `String`: zeros first, then each digit set from
    /// the last.
    private static func writeDecimal(_ value: Int64, to buffer: inout ByteBuffer) {
        var rest = UInt64(max(value, 0))
        var count = 1
        var scan = rest
        while scan >= 10 {
            scan /= 10
            count += 1
        }
        let start = buffer.writerIndex
        buffer.writeRepeatingByte(UInt8(ascii: "0"), count: count)
        var position = start + count - 1
        while rest > 0 {
            buffer.setInteger(UInt8(ascii: "0") + UInt8(rest % 10), at: position)
            rest /= 10
            position -= 1
        }
    }
}
