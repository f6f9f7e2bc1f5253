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
            try Row.fetchAll(
                db,
                sql: """
                    SELECT rowid AS row_id, * FROM recorded_keyframe
                    WHERE camera = ? AND wall_time BETWEEN ? AND ? AND (wall_time, rowid) > (?, ?)
                    ORDER BY wall_time, rowid LIMIT ?
                    """,
                arguments: [
                    camera, from.timeIntervalSince1970, to.timeIntervalSince1970, start.wallClock.timeIntervalSince1970,
                    start.row, limit,
                ]
            ).map { (keyframe: RecordingIndex.keyframe(from: $0), row: $0["row_id"] as Int64) }
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
            try Row.fetchAll(
                db,
                sql: """
                    SELECT MIN(wall_time) AS at, AVG(mean_luma) AS brightness, AVG(luma_stddev) AS contrast,
                        AVG(sharpness) AS sharpness, COUNT(*) AS keyframes
                    FROM recorded_keyframe WHERE camera = ? AND wall_time BETWEEN ? AND ? AND mean_luma IS NOT NULL
                    GROUP BY MIN(CAST((wall_time - ?) / ? AS INTEGER), ?) ORDER BY at
                    """,
                arguments: [
                    camera, from.timeIntervalSince1970, to.timeIntervalSince1970, from.timeIntervalSince1970, width, points - 1,
                ]
            ).map {
                StatsPoint(
                    at: Date(timeIntervalSince1970: $0["at"]), brightness: $0["brightness"], contrast: $0["contrast"],
                    sharpness: $0["sharpness"], keyframes: $0["keyframes"])
            }
        }
    }
}
