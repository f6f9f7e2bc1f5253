public import Foundation
internal import GRDB

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
    ///
    /// The loop reads the keyframes in place and copies one only into its range: copying each (and its segment's
    /// `String`) three times took 13 % of a day's build in retains and releases (perf, `tools/bench/playback`).
    public static func ranges(
        _ keyframes: [Keyframe], following: Keyframe?, gapEnds: Set<Double> = [], segmentSize: (String) -> Int64?
    ) -> [PlaybackRange] {
        var ranges: [PlaybackRange] = []
        ranges.reserveCapacity(keyframes.count)
        var previous: Int?
        var lastDuration = 1.0
        var broken = true
        for index in keyframes.indices {
            // The keyframe after this one: its times and offset, and whether it is in the same segment.
            let (nextClock, nextSeconds, nextOffset, sameSegment): (Double, Double, Int64, Bool)
            if index + 1 < keyframes.count {
                let next = index + 1
                nextClock = keyframes[next].wallClock
                nextSeconds = keyframes[next].seconds
                nextOffset = keyframes[next].offset
                sameSegment = keyframes[next].segment == keyframes[index].segment
            } else if let following {
                (nextClock, nextSeconds, nextOffset) = (following.wallClock, following.seconds, following.offset)
                sameSegment = following.segment == keyframes[index].segment
            } else {
                break
            }
            let length: Int64
            if sameSegment {
                length = nextOffset - keyframes[index].offset
            } else if let size = segmentSize(keyframes[index].segment) {
                length = size - keyframes[index].offset
            } else {
                length = 0
            }
            guard length > 0 else {
                broken = true
                previous = nil
                continue
            }
            let (clock, seconds) = (keyframes[index].wallClock, keyframes[index].seconds)
            let follows =
                previous.map {
                    continues(keyframes[$0].wallClock, keyframes[$0].seconds, clock, seconds, gapEnds: gapEnds)
                } ?? false
            let step = nextSeconds - seconds
            let duration =
                continues(clock, seconds, nextClock, nextSeconds, gapEnds: gapEnds) && step <= longestGOP ? step : lastDuration
            lastDuration = duration
            ranges.append(
                PlaybackRange(
                    segment: keyframes[index].segment, offset: keyframes[index].offset, length: length,
                    wallClock: Date(timeIntervalSince1970: clock), duration: duration, discontinuity: broken || !follows))
            broken = false
            previous = index
        }
        if let first = ranges.indices.first { ranges[first].discontinuity = false }
        return ranges
    }

    /// Whether a keyframe at `secondClock` (wall) and `secondSeconds` (camera) continues one at `firstClock` and
    /// `firstSeconds` on one timeline: later, by as much on the camera's clock as on the wall, and not the end of a
    /// recorded gap.
    static func continues(
        _ firstClock: Double, _ firstSeconds: Double, _ secondClock: Double, _ secondSeconds: Double, gapEnds: Set<Double>
    ) -> Bool {
        let step = secondSeconds - firstSeconds
        return step > 0 && abs((secondClock - firstClock) - step) <= drift && !gapEnds.contains(secondClock)
    }
}

extension RecordingIndex {
    /// The most ranges one playlist may hold: a day of one-second GOPs, with room.
    public static let playbackLimit = 100_000

    /// A camera's keyframes that begin between two times, cut into playable ranges (`PlaybackCutter`). Reads the
    /// segments' packed keyframes (`SegmentKeyframes`), not a row per keyframe: a day of one-second GOPs is 2,880
    /// packed rows rather than 86,400.
    public func playbackRanges(camera: String, from: Date, to: Date) throws -> PlaybackRanges {
        let (keyframes, following, gapEnds) = try store.read("read keyframes for playback") { db in
            let (keyframes, following) = try SegmentKeyframes.read(
                camera: camera, from: from.timeIntervalSince1970, to: to.timeIntervalSince1970, limit: Self.playbackLimit,
                db)
            // The keyframes that ended a recorded gap, up to the one after the range.
            let gapEnds = try Double.fetchSet(
                db, sql: "SELECT to_time FROM recording_gap WHERE camera = ? AND to_time >= ? AND to_time <= ?",
                arguments: [camera, from.timeIntervalSince1970, (following?.wallClock ?? to.timeIntervalSince1970) + 1])
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
