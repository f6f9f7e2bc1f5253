import Foundation
internal import GRDB

/// A recorded keyframe of a live camera: when it was, and where to cut to play from it.
public struct RecordedKeyframeRow: Sendable, Codable, Equatable {
    public var camera: String
    /// Wall-clock time (the camera's sanitised timeline anchored to the gateway's clock).
    public var wallClock: Date
    /// Seconds on the camera's timeline.
    public var seconds: Double
    public var segment: String
    /// Byte offset in the segment where the keyframe's packet begins.
    public var byteOffset: Int64
    public var size: Int

    public init(camera: String, wallClock: Date, seconds: Double, segment: String, byteOffset: Int64, size: Int) {
        self.camera = camera
        self.wallClock = wallClock
        self.seconds = seconds
        self.segment = segment
        self.byteOffset = byteOffset
        self.size = size
    }
}

/// A stretch of time with no recording for a camera, and why.
public struct RecordingGap: Sendable, Codable, Equatable {
    public var camera: String
    public var from: Date
    public var to: Date
    public var reason: String

    public init(camera: String, from: Date, to: Date, reason: String) {
        self.camera = camera
        self.from = from
        self.to = to
        self.reason = reason
    }
}

/// The index of live recordings in the archive database: keyframes by camera and time, and explicit gaps, so
/// "what was recorded at 14:03:10 on camera X" is an index lookup.
public struct RecordingIndex: Sendable {
    let store: KeyframeIndexStore

    public init(store: KeyframeIndexStore) { self.store = store }

    /// Appends keyframes in one transaction.
    public func append(_ keyframes: [RecordedKeyframeRow]) throws {
        guard !keyframes.isEmpty else { return }
        try store.write("record keyframes") { db in
            let statement = try db.cachedStatement(
                sql:
                    "INSERT INTO recorded_keyframe (camera, wall_time, seconds, segment, byte_offset, size) VALUES (?, ?, ?, ?, ?, ?)"
            )
            for row in keyframes {
                try statement.execute(arguments: [
                    row.camera, row.wallClock.timeIntervalSince1970, row.seconds, row.segment, row.byteOffset, row.size,
                ])
            }
        }
    }

    /// Records a gap.
    public func addGap(_ gap: RecordingGap) throws {
        try store.write("record a gap") { db in
            try db.execute(
                sql: "INSERT INTO recording_gap (camera, from_time, to_time, reason) VALUES (?, ?, ?, ?)",
                arguments: [gap.camera, gap.from.timeIntervalSince1970, gap.to.timeIntervalSince1970, gap.reason])
        }
    }

    /// A camera's keyframes between two wall-clock times, oldest first.
    public func keyframes(camera: String, from: Date = .distantPast, to: Date = .distantFuture) throws -> [RecordedKeyframeRow] {
        try store.read("query recorded keyframes") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM recorded_keyframe WHERE camera = ? AND wall_time BETWEEN ? AND ? ORDER BY wall_time, seconds
                    """,
                arguments: [camera, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map { row in
                RecordedKeyframeRow(
                    camera: row["camera"], wallClock: Date(timeIntervalSince1970: row["wall_time"]), seconds: row["seconds"],
                    segment: row["segment"], byteOffset: row["byte_offset"], size: row["size"])
            }
        }
    }

    /// A camera's gaps, oldest first.
    public func gaps(camera: String) throws -> [RecordingGap] {
        try store.read("query gaps") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM recording_gap WHERE camera = ? ORDER BY from_time", arguments: [camera]).map
            { row in
                RecordingGap(
                    camera: row["camera"], from: Date(timeIntervalSince1970: row["from_time"]),
                    to: Date(timeIntervalSince1970: row["to_time"]),
                    reason: row["reason"])
            }
        }
    }
}
