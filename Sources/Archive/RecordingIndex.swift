public import Foundation
internal import GRDB
public import MediaIO

/// One change to the recording index: ingest's writer batches them and applies them in order.
public enum IndexWrite: Sendable {
    case keyframe(RecordedKeyframe)
    case gap(RecordingGap)
    /// A keyframe's statistics, once analysed (after its `.keyframe`), and the frame rate its stream declared when
    /// its analysis ended (nil: not kept).
    case stats(camera: String, wallClock: Date, stats: FrameStats, declared: DeclaredFrameRate?)
    /// A camera's throughput readings, oldest first (`StreamReadingLog`).
    case throughput(camera: String, [ThroughputReading])
    /// A camera's clock against the gateway's.
    case clockReading(ClockReading)
}

/// A recorded keyframe of a live camera: when it was, and where to cut to play from it.
public struct RecordedKeyframe: Sendable, Codable, Equatable {
    public var camera: String
    /// Wall-clock time (the camera's sanitised timeline anchored to the gateway's clock).
    public var wallClock: Date
    /// Seconds on the camera's timeline.
    public var seconds: Double
    public var segment: String
    /// Byte offset in the segment where the keyframe's packet begins.
    public var byteOffset: Int64
    public var size: Int
    /// The keyframe's statistics, once analysis has seen it (nil if it was skipped or is still queued).
    public var stats: FrameStats?

    public init(
        camera: String, wallClock: Date, seconds: Double, segment: String, byteOffset: Int64, size: Int, stats: FrameStats? = nil
    ) {
        self.camera = camera
        self.wallClock = wallClock
        self.seconds = seconds
        self.segment = segment
        self.byteOffset = byteOffset
        self.size = size
        self.stats = stats
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
    let store: ArchiveDatabase

    public init(store: ArchiveDatabase) { self.store = store }

    /// Appends keyframes in one transaction.
    public func append(_ keyframes: [RecordedKeyframe]) throws { try apply(keyframes.map(IndexWrite.keyframe)) }

    /// Records a gap.
    public func addGap(_ gap: RecordingGap) throws { try apply([.gap(gap)]) }

    /// Applies `writes` in order, in one transaction (one disk sync for a whole batch of cameras' keyframes).
    public func apply(_ writes: [IndexWrite]) throws {
        guard !writes.isEmpty else { return }
        try store.write("record keyframes") { db in
            var runs = RunBook()
            var packed = SegmentKeyframes.Batch()
            for write in writes {
                switch write {
                case .keyframe(let keyframe):
                    // Statistics usually follow as `.stats` (analysis runs behind recording); a keyframe may carry them.
                    let stats = keyframe.stats
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO recorded_keyframe (camera, wall_time, seconds, segment, byte_offset, size, width, height,
                                mean_luma, luma_stddev, dark_fraction, bright_fraction, sharpness, edge_density, phash, mean_u, mean_v,
                                saturation, noise, uniform_fraction, stripes, concealed, thumbnail)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """
                    ).execute(arguments: [
                        keyframe.camera, keyframe.wallClock.timeIntervalSince1970, keyframe.seconds, keyframe.segment,
                        keyframe.byteOffset, keyframe.size, stats?.width, stats?.height, stats?.meanLuma, stats?.lumaStdDev,
                        stats?.darkFraction, stats?.brightFraction, stats?.sharpness, stats?.edgeDensity,
                        stats.map { Int64(bitPattern: $0.perceptualHash) }, stats?.meanU, stats?.meanV, stats?.saturation,
                        stats?.noise, stats?.uniformFraction, stats?.stripes, stats?.concealed,
                        stats.flatMap { Self.thumbnailData($0.thumbnail) },
                    ])
                    packed.add(keyframe)
                    try runs.keyframe(camera: keyframe.camera, at: keyframe.wallClock.timeIntervalSince1970, db)
                case .gap(let gap):
                    try db.cachedStatement(
                        sql: "INSERT INTO recording_gap (camera, from_time, to_time, reason) VALUES (?, ?, ?, ?)"
                    ).execute(arguments: [gap.camera, gap.from.timeIntervalSince1970, gap.to.timeIntervalSince1970, gap.reason])
                    try runs.gap(
                        camera: gap.camera, from: gap.from.timeIntervalSince1970, to: gap.to.timeIntervalSince1970, db)
                case .stats(let camera, let wallClock, let stats, let declared):
                    try db.cachedStatement(
                        sql: """
                            UPDATE recorded_keyframe SET width = ?, height = ?, mean_luma = ?, luma_stddev = ?, dark_fraction = ?,
                                bright_fraction = ?, sharpness = ?, edge_density = ?, phash = ?, mean_u = ?, mean_v = ?,
                                saturation = ?, noise = ?, uniform_fraction = ?, stripes = ?, concealed = ?,
                                thumbnail = ?, declared_frame_rate = ?, analysed_at = ?
                            WHERE camera = ? AND wall_time = ?
                            """
                    ).execute(arguments: [
                        stats.width, stats.height, stats.meanLuma, stats.lumaStdDev, stats.darkFraction, stats.brightFraction,
                        stats.sharpness, stats.edgeDensity, Int64(bitPattern: stats.perceptualHash), stats.meanU, stats.meanV,
                        stats.saturation, stats.noise, stats.uniformFraction, stats.stripes, stats.concealed,
                        Self.thumbnailData(stats.thumbnail), declared?.rate, declared?.at.timeIntervalSince1970, camera,
                        wallClock.timeIntervalSince1970,
                    ])
                case .throughput(let camera, let readings):
                    try StreamReadingLog.insertThroughput(camera: camera, readings, db)
                case .clockReading(let reading):
                    try StreamReadingLog.insertClock(reading, db)
                }
            }
            try packed.write(db)
            try runs.finish(db)
        }
    }

    /// A camera's keyframes between two wall-clock times, oldest first; at most `limit` of them (read no further).
    public func keyframes(
        camera: String, from: Date = .distantPast, to: Date = .distantFuture, limit: Int = .max
    ) throws -> [RecordedKeyframe] {
        try store.read("query recorded keyframes") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.keyframeColumns) FROM recorded_keyframe WHERE camera = ? AND wall_time BETWEEN ? AND ? ORDER BY wall_time, seconds
                    LIMIT ?
                    """,
                arguments: [camera, from.timeIntervalSince1970, to.timeIntervalSince1970, Int64(clamping: limit)]
            ).map(RecordingIndex.keyframe(from:))
        }
    }

    /// The bytes on disk of the segments a clip from `from` to `to` is cut from (from the keyframe at or before
    /// `from`): an upper bound of the clip's size, for checking free space before writing it.
    public func segmentBytes(camera: String, from: Date, to: Date) throws -> Int64 {
        let start = try keyframe(camera: camera, atOrBefore: from)?.wallClock ?? from
        let segments = try store.read("list a clip's segments") { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT segment FROM recorded_keyframe WHERE camera = ? AND wall_time BETWEEN ? AND ?",
                arguments: [camera, start.timeIntervalSince1970, to.timeIntervalSince1970])
        }
        return segments.reduce(0) { total, path in total + (FileSize.of(path) ?? 0) }
    }

    /// Stores the statistics of a recorded keyframe (identified by camera and wall-clock time).
    public func setStats(camera: String, wallClock: Date, stats: FrameStats, declared: DeclaredFrameRate? = nil) throws {
        try apply([.stats(camera: camera, wallClock: wallClock, stats: stats, declared: declared)])
    }

    /// The last keyframe of a camera at or before `time`, where playing from `time` must start.
    public func keyframe(camera: String, atOrBefore time: Date) throws -> RecordedKeyframe? {
        try store.read("seek") { db in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT \(Self.keyframeColumns) FROM recorded_keyframe WHERE camera = ? AND wall_time <= ? ORDER BY wall_time DESC, seconds DESC LIMIT 1",
                arguments: [camera, time.timeIntervalSince1970]
            ).map(RecordingIndex.keyframe(from:))
        }
    }

    /// A camera's keyframe `back` places before its newest (0: the newest), if it has that many: where a live view
    /// starts. One row, read backwards along the (camera, wall_time) index.
    public func newestKeyframe(camera: String, back: Int) throws -> RecordedKeyframe? {
        try store.read("find a recent keyframe") { db in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT \(Self.keyframeColumns) FROM recorded_keyframe WHERE camera = ? ORDER BY wall_time DESC, seconds DESC LIMIT 1 OFFSET ?",
                arguments: [camera, back]
            ).map(RecordingIndex.keyframe(from:))
        }
    }

    /// A camera's newest keyframe with statistics (analysis runs behind recording) since `time`, else its newest
    /// keyframe since then: the one a snapshot shows. One row, read backwards along the (camera, wall_time) index.
    public func lastAnalysedKeyframe(camera: String, since time: Date) throws -> RecordedKeyframe? {
        try store.read("find the last analysed keyframe") { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT \(Self.keyframeColumns) FROM recorded_keyframe WHERE camera = ? AND wall_time >= ?
                    ORDER BY mean_luma IS NULL, wall_time DESC, seconds DESC LIMIT 1
                    """,
                arguments: [camera, time.timeIntervalSince1970]
            ).map(RecordingIndex.keyframe(from:))
        }
    }

    /// A camera's oldest recorded keyframe.
    public func oldestKeyframe(camera: String) throws -> RecordedKeyframe? {
        try store.read("find the oldest keyframe") { db in
            try Row.fetchOne(
                db,
                sql: "SELECT \(Self.keyframeColumns) FROM recorded_keyframe WHERE camera = ? ORDER BY wall_time, seconds LIMIT 1",
                arguments: [camera]
            ).map(RecordingIndex.keyframe(from:))
        }
    }

    /// Removes the index rows of a segment file (before the file itself is deleted), and takes them out of coverage.
    public func removeSegment(_ segment: String) throws {
        try store.write("remove a segment's keyframes") { db in
            try RunBook.removeKeyframes(ofSegment: segment, db)
            try SegmentKeyframes.remove(segment: segment, db)
        }
    }

    /// Removes gaps, discontinuities and stream readings older than `time` for a camera: what retention no longer
    /// covers.
    public func trimHistory(camera: String, before time: Date) throws {
        try store.write("trim history") { db in
            let cut = time.timeIntervalSince1970
            try db.execute(sql: "DELETE FROM recording_gap WHERE camera = ? AND to_time < ?", arguments: [camera, cut])
            for table in ["timeline_discontinuity", "stream_throughput", "clock_reading"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE camera = ? AND wall_time < ?", arguments: [camera, cut])
            }
        }
    }

    /// The columns `keyframe(from:)` reads, in its order: rows are decoded by position, because looking a column up
    /// by name costs a case-insensitive search per field (a third of a 2,000-row `/keyframes` page in the viewer crowd).
    static let keyframeColumns = """
        camera, wall_time, seconds, segment, byte_offset, size, width, height, mean_luma, luma_stddev, dark_fraction, \
        bright_fraction, sharpness, edge_density, phash, mean_u, mean_v, saturation, noise, uniform_fraction, stripes, \
        concealed
        """

    /// How many columns `keyframeColumns` names: where the columns a query selects after them start.
    static let keyframeColumnCount = keyframeColumns.split(separator: ",").count

    /// A row selected with `keyframeColumns` first.
    static func keyframe(from row: Row) -> RecordedKeyframe {
        var stats: FrameStats? = nil
        if let meanLuma: Double = row[8] {
            let hash: Int64 = row[14]
            stats = FrameStats(
                width: row[6], height: row[7], meanLuma: meanLuma, lumaStdDev: row[9], darkFraction: row[10],
                brightFraction: row[11], sharpness: row[12], edgeDensity: row[13], perceptualHash: UInt64(bitPattern: hash),
                meanU: row[15], meanV: row[16], saturation: row[17], noise: row[18], uniformFraction: row[19],
                stripes: row[20], concealed: row[21])
        }
        return RecordedKeyframe(
            camera: row[0], wallClock: Date(timeIntervalSince1970: row[1]), seconds: row[2], segment: row[3],
            byteOffset: row[4], size: row[5], stats: stats)
    }

    /// A camera's gaps that overlap `from…to`, oldest first.
    public func gaps(camera: String, from: Date = .distantPast, to: Date = .distantFuture) throws -> [RecordingGap] {
        try store.read("query gaps") { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM recording_gap WHERE camera = ? AND to_time >= ? AND from_time <= ? ORDER BY from_time",
                arguments: [camera, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map { row in
                RecordingGap(
                    camera: row["camera"], from: Date(timeIntervalSince1970: row["from_time"]),
                    to: Date(timeIntervalSince1970: row["to_time"]),
                    reason: row["reason"])
            }
        }
    }
}
