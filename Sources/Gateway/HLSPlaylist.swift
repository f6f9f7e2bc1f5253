import Archive
import Foundation
import MediaIO

/// An HLS media playlist (RFC 8216) whose entries are byte ranges of the recorded MPEG-TS segments, one per GOP:
/// playback straight from the keyframe index, with no remuxing. Entries name their segment file relative to the
/// playlist (`/play/CAPABILITY/index.m3u8` → `/play/CAPABILITY/SEGMENT.ts`), so the capability is written once.
enum HLSPlaylist {
    enum Kind {
        /// A finished range: `EXT-X-PLAYLIST-TYPE:VOD` and `EXT-X-ENDLIST`.
        case recorded
        /// Growing as keyframes are indexed: `EXT-X-PLAYLIST-TYPE:EVENT`, no end, and a start `startOffset` seconds
        /// from the live edge.
        case live(startOffset: Double)
    }

    /// The playlist text. `EXT-X-PROGRAM-DATE-TIME` is written on the first entry and after every discontinuity
    /// (where the wall clock cannot be counted on from the durations), `EXT-X-DISCONTINUITY` before every range whose
    /// timestamps do not follow on (gaps, reconnects, restarts).
    static func text(_ ranges: [PlaybackRange], kind: Kind) -> String {
        let target = Int((ranges.map(\.duration).max() ?? 1).rounded(.up))
        var text = "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:\(max(target, 1))\n#EXT-X-MEDIA-SEQUENCE:0\n"
        text += "#EXT-X-INDEPENDENT-SEGMENTS\n"
        switch kind {
        case .recorded: text += "#EXT-X-PLAYLIST-TYPE:VOD\n"
        case .live(let offset): text += "#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-START:TIME-OFFSET=-\(decimal(offset))\n"
        }
        // About 90 bytes an entry: reserve for all of them at once (a day of one-second GOPs is 8 MB).
        text.reserveCapacity(text.utf8.count + ranges.count * 96)
        var names: [String: String] = [:]
        for (index, range) in ranges.enumerated() {
            if range.discontinuity { text += "#EXT-X-DISCONTINUITY\n" }
            if index == 0 || range.discontinuity { text += "#EXT-X-PROGRAM-DATE-TIME:\(TimeText.format(range.wallClock))\n" }
            let name = names[range.segment] ?? (range.segment as NSString).lastPathComponent
            names[range.segment] = name
            text += "#EXTINF:\(decimal(range.duration)),\n#EXT-X-BYTERANGE:\(range.length)@\(range.offset)\n\(name)\n"
        }
        if case .recorded = kind { text += "#EXT-X-ENDLIST\n" }
        return text
    }

    /// Seconds with three decimals, without a formatter per entry.
    static func decimal(_ seconds: Double) -> String {
        let milliseconds = Int((seconds * 1000).rounded())
        let fraction = milliseconds % 1000
        return "\(milliseconds / 1000)." + (fraction < 10 ? "00" : fraction < 100 ? "0" : "") + "\(fraction)"
    }
}
