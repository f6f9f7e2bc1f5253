public import Foundation
internal import GRDB

/// Where the next page of a keyframe listing starts: after this keyframe (its time, then its row, so keyframes that
/// share a time are neither skipped nor repeated across pages).
public struct KeyframeCursor: Sendable, Equatable {
    public var wallClock: Date
    public var row: Int64

    public init(wallClock: Date, row: Int64) {
        self.wallClock = wallClock
        self.row = row
    }
}

/// One page of a camera's keyframes, oldest first, and where the next one starts (nil on the last page).
public struct KeyframePage: Sendable {
    public var keyframes: [RecordedKeyframe]
    public var next: KeyframeCursor?
}

/// A camera's picture statistics over a stretch of time: the mean of its analysed keyframes (one keyframe when the
/// stretch is shorter than a GOP), for plots. No file positions, so viewers may read it.
public struct StatsPoint: Codable, Sendable, Equatable {
    /// The first keyframe of the stretch.
    public var at: Date
    public var brightness: Double
    public var contrast: Double
    public var sharpness: Double
    /// The analysed keyframes averaged.
    public var keyframes: Int
}

extension RecordingIndex {
    /// At most `limit` of a camera's keyframes between two times, after `cursor`; the rows past the page are never
    /// read (the `(camera, wall_time)` index, whose entries end in the row ID, gives the order).
    public func keyframePage(
        camera: String, from: Date, to: Date, after cursor: KeyframeCursor? = nil, limit: Int
    ) throws -> KeyframePage {
        let start = cursor ?? KeyframeCursor(wallClock: from, row: .min)
        let rows = try store.read("list recorded keyframes") { db in
            // A cursor reads each row in place; fetchAll would copy every row before decoding it.
            try Array(
                Row.fetchCursor(
                    db,
                    sql: """
                        SELECT \(Self.keyframeColumns), rowid FROM recorded_keyframe
                        WHERE camera = ? AND wall_time BETWEEN ? AND ? AND (wall_time, rowid) > (?, ?)
                        ORDER BY wall_time, rowid LIMIT ?
                        """,
                    arguments: [
                        camera, from.timeIntervalSince1970, to.timeIntervalSince1970, start.wallClock.timeIntervalSince1970,
                        start.row, limit,
                    ]
                ).map { (keyframe: RecordingIndex.keyframe(from: $0), row: $0[RecordingIndex.keyframeColumnCount] as Int64) })
        }
        let next = rows.count == limit ? rows.last.map { KeyframeCursor(wallClock: $0.keyframe.wallClock, row: $0.row) } : nil
        return KeyframePage(keyframes: rows.map(\.keyframe), next: next)
    }

    /// A camera's picture statistics between two times in at most `points` equal stretches, averaged in SQL: a day of
    /// keyframes (43,200 at 2 s GOPs) is one indexed aggregate, not 43,200 decoded rows and a 4 MB answer.
    public func statistics(camera: String, from: Date, to: Date, points: Int) throws -> [StatsPoint] {
        precondition(from < to && points > 0, "statistics need from < to and at least one point")
        let width = to.timeIntervalSince(from) / Double(points)
        return try store.read("summarise keyframe statistics") { db in
            // Ordered by the grouping term so that SQLite sorts once; read through a cursor and by position, because
            // copying and looking up 5,000 rows by name cost as much as the aggregate in a debug build.
            try Array(
                Row.fetchCursor(
                    db,
                    sql: """
                        SELECT MIN(wall_time), AVG(mean_luma), AVG(luma_stddev), AVG(sharpness), COUNT(*),
                            MIN(CAST((wall_time - ?) / ? AS INTEGER), ?) AS stretch
                        FROM recorded_keyframe WHERE camera = ? AND wall_time BETWEEN ? AND ? AND mean_luma IS NOT NULL
                        GROUP BY stretch ORDER BY stretch
                        """,
                    arguments: [
                        from.timeIntervalSince1970, width, points - 1, camera, from.timeIntervalSince1970,
                        to.timeIntervalSince1970,
                    ]
                ).map {
                    StatsPoint(
                        at: Date(timeIntervalSince1970: $0[0]), brightness: $0[1], contrast: $0[2], sharpness: $0[3],
                        keyframes: $0[4])
                })
        }
    }
}
