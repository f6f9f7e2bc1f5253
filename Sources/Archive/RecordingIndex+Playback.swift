public import Foundation
internal import GRDB
internal import GRDBSQLite

/// One GOP of a recording as a player fetches it: a byte range of a segment file. It starts where the recorder began
/// writing the keyframe, which is where FFmpeg's MPEG-TS muxer put the PAT and PMT it writes before every keyframe,
/// so each range decodes on its own; it ends where the next keyframe begins.
public struct PlaybackRange: Sendable, Equatable {
    /// The segment file's path.
    public var segment: String
    public var offset: Int64
    public var length: Int64
    /// The keyframe's wall-clock time.
    public var wallClock: Date
    /// Seconds of video in the range.
    public var duration: Double
    /// The range's timestamps do not follow on from the previous range's: a gap, a reconnect, a restart. A player
    /// must be told (HLS `EXT-X-DISCONTINUITY`), or it would stall or play the wrong time.
    public var discontinuity: Bool

    public init(segment: String, offset: Int64, length: Int64, wallClock: Date, duration: Double, discontinuity: Bool) {
        self.segment = segment
        self.offset = offset
        self.length = length
        self.wallClock = wallClock
        self.duration = duration
        self.discontinuity = discontinuity
    }
}

/// The ranges of a time span, and whether they can still change.
public struct PlaybackRanges: Sendable {
    public var ranges: [PlaybackRange]
    /// A keyframe after the span's end is already indexed: every range of the span is written and will not change
    /// (until retention deletes its segment), so the playlist may be kept.
    public var isFinished: Bool
}

/// Cuts a camera's keyframes into playable ranges: a value computation, separate from the query so that it can be
/// replayed in tests with recorded keyframes.
public struct PlaybackCutter: Sendable {
    /// A keyframe as the cutter needs it (four columns of the index, no statistics).
    public struct Keyframe: Sendable, Equatable {
        public var wallClock: Double
        public var seconds: Double
        public var segment: String
        public var offset: Int64

        public init(wallClock: Double, seconds: Double, segment: String, offset: Int64) {
            self.wallClock = wallClock
            self.seconds = seconds
            self.segment = segment
            self.offset = offset
        }
    }

    /// Timestamps and wall clock may drift apart by this much between two keyframes before the second counts as a
    /// discontinuity (the sanitiser keeps the timeline monotonic across reconnects; the wall clock jumps).
    static let drift = 1.0
    /// A GOP longer than this is not believed (a clock step): its duration is taken from its neighbours.
    public static let longestGOP = 60.0

    /// The ranges of `keyframes` (oldest first). Each range ends at the next keyframe: `following` is the keyframe
    /// after the last one, if known. A range whose next keyframe opened another segment ends at its segment's end
    /// (`segmentSize`); the last recorded keyframe, whose end is not yet written, gives no range.
    ///
    /// `gapEnds` are the wall times of keyframes that ended a recorded gap (`RecordingGap.to`): each starts a
    /// discontinuity even when its timestamps seem to follow on. The sanitiser bridges a reconnect by the time the
    /// wall clock moved, so timestamps and wall clock step alike across it, and the GOP before a 4.7 s gap in the demo
    /// came out 5.7 s long, with no discontinuity: Chromium played the gap as a frozen picture.
    public static func ranges(
        _ keyframes: [Keyframe], following: Keyframe?, gapEnds: Set<Double> = [], segmentSize: (String) -> Int64?
    ) -> [PlaybackRange] {
        func continues(_ first: Keyframe, _ second: Keyframe) -> Bool {
            follows(first, second) && !gapEnds.contains(second.wallClock)
        }
        var ranges: [PlaybackRange] = []
        ranges.reserveCapacity(keyframes.count)
        var previous: Keyframe?
        var lastDuration = 1.0
        var broken = true
        for index in keyframes.indices {
            let keyframe = keyframes[index]
            guard let next = index + 1 < keyframes.count ? keyframes[index + 1] : following else { break }
            let length: Int64
            if next.segment == keyframe.segment {
                length = next.offset - keyframe.offset
            } else if let size = segmentSize(keyframe.segment) {
                length = size - keyframe.offset
            } else {
                length = 0
            }
            guard length > 0 else {
                broken = true
                previous = nil
                continue
            }
            let follows = previous.map { continues($0, keyframe) } ?? false
            let step = next.seconds - keyframe.seconds
            let duration = continues(keyframe, next) && step > 0 && step <= longestGOP ? step : lastDuration
            lastDuration = duration
            ranges.append(
                PlaybackRange(
                    segment: keyframe.segment, offset: keyframe.offset, length: length,
                    wallClock: Date(timeIntervalSince1970: keyframe.wallClock), duration: duration,
                    discontinuity: broken || !follows))
            broken = false
            previous = keyframe
        }
        if let first = ranges.indices.first { ranges[first].discontinuity = false }
        return ranges
    }

    /// Whether `second` continues `first` on one timeline: later, by as much on the camera's clock as on the wall.
    static func follows(_ first: Keyframe, _ second: Keyframe) -> Bool {
        let step = second.seconds - first.seconds
        return step > 0 && abs((second.wallClock - first.wallClock) - step) <= drift
    }
}

extension RecordingIndex {
    /// The most ranges one playlist may hold: a day of one-second GOPs, with room.
    public static let playbackLimit = 100_000

    /// A camera's keyframes that begin between two times, cut into playable ranges (`PlaybackCutter`). Reads four
    /// columns through the `(camera, wall_time)` index, one row past `to`, and nothing else: a day of one-second GOPs
    /// is 86,400 rows.
    public func playbackRanges(camera: String, from: Date, to: Date) throws -> PlaybackRanges {
        let (keyframes, following, gapEnds) = try store.read("read keyframes for playback") { db in
            var keyframes: [PlaybackCutter.Keyframe] = []
            // Ordered by the index alone: adding `seconds` as a tie-break made SQLite sort every row again in a
            // temporary B-tree (120 ms of a day's 86,400 rows against 40 ms, sqlite3 CLI). Rows of one wall time,
            // were there any, come in the order they were written, which is the recording's.
            let statement = try db.cachedStatement(
                sql: """
                    SELECT wall_time, seconds, segment, byte_offset FROM recorded_keyframe
                    WHERE camera = ? AND wall_time >= ? ORDER BY wall_time LIMIT ?
                    """)
            let rows = try Row.fetchCursor(
                statement, arguments: [camera, from.timeIntervalSince1970, Self.playbackLimit + 1])
            // The columns are read from SQLite's statement directly, and the segment's path only compared as bytes
            // with the previous row's rather than made a `String` for each of a day's 86,400 rows: with the playlist
            // written at a raw pointer, a day's build went from 181 to 106 ms (`tools/bench/playback`). One `String`
            // per segment, shared by its keyframes, so the playlist writer can tell a segment's ranges by comparing
            // with the previous one's.
            let columns = statement.sqliteStatement
            var following: PlaybackCutter.Keyframe?
            let end = to.timeIntervalSince1970
            var segment = ""
            while try rows.next() != nil {
                // sqlite3_column_text before sqlite3_column_bytes: the length is of the text as converted.
                let text = sqlite3_column_text(columns, 2)
                let path = UnsafeBufferPointer(start: text, count: text == nil ? 0 : Int(sqlite3_column_bytes(columns, 2)))
                // memcmp with the previous path's UTF-8 (a native String's is contiguous): the generic
                // `elementsEqual` of a buffer and an array took 12 % of a day's build (perf).
                let same =
                    segment.utf8.count == path.count
                    && (segment.utf8.withContiguousStorageIfAvailable {
                        path.isEmpty || memcmp($0.baseAddress!, path.baseAddress!, path.count) == 0
                    } ?? false)
                if !same { segment = String(decoding: path, as: UTF8.self) }
                let keyframe = PlaybackCutter.Keyframe(
                    wallClock: sqlite3_column_double(columns, 0), seconds: sqlite3_column_double(columns, 1),
                    segment: segment, offset: sqlite3_column_int64(columns, 3))
                guard keyframe.wallClock <= end, keyframes.count < Self.playbackLimit else {
                    following = keyframe
                    break
                }
                keyframes.append(keyframe)
            }
            // The keyframes that ended a recorded gap, up to the one after the range.
            let gapEnds = try Double.fetchSet(
                db, sql: "SELECT to_time FROM recording_gap WHERE camera = ? AND to_time >= ? AND to_time <= ?",
                arguments: [camera, from.timeIntervalSince1970, (following?.wallClock ?? end) + 1])
            return (keyframes, following, gapEnds)
        }
        var sizes: [String: Int64] = [:]
        let ranges = PlaybackCutter.ranges(keyframes, following: following, gapEnds: gapEnds) { segment in
            if let size = sizes[segment] { return size }
            let size = FileSize.of(segment)
            sizes[segment] = size
            return size
        }
        return PlaybackRanges(ranges: ranges, isFinished: following != nil)
    }

    /// The path of a camera's segment named `name`, if the camera has a keyframe in it between two times: how a media
    /// URL's file name becomes a file, only within the range its capability grants.
    public func segmentPath(camera: String, named name: String, from: Date, to: Date) throws -> String? {
        try store.read("find a segment") { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT segment FROM recorded_keyframe WHERE camera = ? AND wall_time BETWEEN ? AND ?
                    AND segment LIKE ? ESCAPE '\\' LIMIT 1
                    """,
                arguments: [
                    camera, from.timeIntervalSince1970, to.timeIntervalSince1970,
                    "%/"
                        + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                        .replacingOccurrences(of: "_", with: "\\_"),
                ])
        }
    }
}
