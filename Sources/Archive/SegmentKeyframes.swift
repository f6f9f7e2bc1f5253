import Foundation
internal import GRDB
internal import GRDBSQLite

/// Each recorded segment's keyframes packed into rows of `recorded_segment`, one per segment and wall-clock minute,
/// beside their rows in `recorded_keyframe`: what a playlist reads. A day of one-second GOPs in 30 s segments is
/// about 4,300 rows of up to 1.4 KB here against 86,400 rows of `recorded_keyframe`, whose stepping alone took 50 ms of
/// a day's 106 ms playlist build (perf); a scan of such packed rows takes 3 ms (sqlite3 CLI, `tools/bench/playback-seed`'s
/// day).
///
/// Kept in the same transaction as the keyframe rows: appended to as each batch of keyframes is written (the open
/// segment's newest row grows, so a live playlist reads it too), deleted with the segment's rows by retention, built
/// from the rows for an archive from before them. A row per minute rather than per segment bounds what each batch
/// rewrites: ingest writes a batch every 100 ms, so each keyframe of an hour-long segment (`--segment-seconds 3600`)
/// would otherwise rewrite the segment's whole blob, 43 KB on average with one-second GOPs.
enum SegmentKeyframes {
    /// Bytes per keyframe: its wall time and camera seconds (`Float64`) and its byte offset (`Int64`), each as the
    /// little-endian bytes of its bit pattern.
    static let stride = 24

    /// Appends one keyframe's packed bytes to `bytes`.
    static func pack(wallClock: Double, seconds: Double, offset: Int64, into bytes: inout [UInt8]) {
        for word in [wallClock.bitPattern, seconds.bitPattern, UInt64(bitPattern: offset)] {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
    }

    /// The minute of the wall clock a keyframe's row is for.
    static func minute(_ wallClock: Double) -> Int64 { Int64((wallClock / 60).rounded(.down)) }

    /// A batch's keyframes gathered per row, then added to their rows with one statement each: a row rewritten per
    /// keyframe made a long segment's appends quadratic (200,000 keyframes of one segment in one batch took minutes,
    /// `ArchiveConcurrencyTests`).
    struct Batch {
        private struct Key: Hashable {
            var segment: String
            var minute: Int64
        }
        private var rows: [(key: Key, camera: String, first: Double, last: Double, bytes: [UInt8])] = []
        private var positions: [Key: Int] = [:]

        mutating func add(_ keyframe: RecordedKeyframe) {
            let wallClock = keyframe.wallClock.timeIntervalSince1970
            let key = Key(segment: keyframe.segment, minute: minute(wallClock))
            let position: Int
            if let known = positions[key] {
                position = known
                rows[position].first = min(rows[position].first, wallClock)
                rows[position].last = max(rows[position].last, wallClock)
            } else {
                position = rows.count
                positions[key] = position
                rows.append((key, keyframe.camera, wallClock, wallClock, []))
            }
            pack(wallClock: wallClock, seconds: keyframe.seconds, offset: keyframe.byteOffset, into: &rows[position].bytes)
        }

        /// Adds the keyframes to their rows, creating a row for its first keyframes.
        func write(_ db: Database) throws {
            for row in rows {
                // `||` joins two blobs byte for byte (in a UTF-8 database, as GRDB's are) but types the result as
                // text; the cast keeps it a blob.
                try db.cachedStatement(
                    sql: """
                        INSERT INTO recorded_segment (segment, minute, camera, first_wall, last_wall, keyframes)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (segment, minute) DO UPDATE SET first_wall = min(first_wall, excluded.first_wall),
                            last_wall = max(last_wall, excluded.last_wall),
                            keyframes = CAST(keyframes || excluded.keyframes AS BLOB)
                        """
                ).execute(arguments: [row.key.segment, row.key.minute, row.camera, row.first, row.last, Data(row.bytes)])
            }
        }
    }

    /// Deletes a segment's rows (retention, with its keyframe rows).
    static func remove(segment: String, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM recorded_segment WHERE segment = ?", arguments: [segment])
    }

    /// Builds every segment's rows from the keyframe rows, in the order they were written (an archive from before
    /// the packed rows). Reads through the `(segment)` index, whose entries end with the rowid: no sort.
    static func build(_ db: Database) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT segment, camera, wall_time, seconds, byte_offset FROM recorded_keyframe
                INDEXED BY recorded_keyframe_by_segment ORDER BY segment, rowid
                """)
        var batch = Batch()
        var segment: String?
        while let row = try rows.next() {
            let keyframe = RecordedKeyframe(
                camera: row[1], wallClock: Date(timeIntervalSince1970: row[2]), seconds: row[3], segment: row[0],
                byteOffset: row[4], size: 0)
            // A segment's keyframes are written together, so a batch holds one segment.
            if keyframe.segment != segment {
                try batch.write(db)
                batch = Batch()
                segment = keyframe.segment
            }
            batch.add(keyframe)
        }
        try batch.write(db)
    }
}

extension SegmentKeyframes {
    /// A camera's keyframes from `from` on, oldest first: those up to `to` (at most `limit`) and the one after them,
    /// if indexed. Reads the packed rows of the segments that end at or after `from`, in the order they end, up to
    /// the first that begins after `to`.
    ///
    /// Keyframes come in the order they were written within a segment, and segments in the order they end: wall-clock
    /// order, unless the gateway's clock stepped back between two segments; then the keyframes are sorted. A segment
    /// is left out only if it begins before `to` but ends after one that begins after `to`: the clock stepped back by
    /// more than a segment's length (with wall times overlapping like that, no playlist would play it right anyway).
    static func read(
        camera: String, from: Double, to: Double, limit: Int, _ db: Database
    ) throws -> (keyframes: [PlaybackCutter.Keyframe], following: PlaybackCutter.Keyframe?) {
        let statement = try db.cachedStatement(
            sql: """
                SELECT segment, keyframes, first_wall FROM recorded_segment WHERE camera = ? AND last_wall >= ?
                ORDER BY last_wall
                """)
        let rows = try Row.fetchCursor(statement, arguments: [camera, from])
        let columns = statement.sqliteStatement
        var keyframes: [PlaybackCutter.Keyframe] = []
        var following: PlaybackCutter.Keyframe?
        while keyframes.count <= limit, try rows.next() != nil {
            // sqlite3_column_blob before sqlite3_column_bytes, as SQLite documents; an empty blob is a null pointer.
            guard let text = sqlite3_column_text(columns, 0), let blob = sqlite3_column_blob(columns, 1) else { continue }
            // One `String` per segment, shared by its keyframes (the playlist writer compares them by identity first).
            let segment = String(cString: text)
            let packed = UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(columns, 1)))
            for start in Swift.stride(from: 0, to: packed.count - stride + 1, by: stride) {
                let keyframe = unpacked(packed, at: start, segment: segment)
                if keyframe.wallClock > to {
                    if keyframe.wallClock < following?.wallClock ?? .infinity { following = keyframe }
                } else if keyframe.wallClock >= from {
                    keyframes.append(keyframe)
                }
            }
            if sqlite3_column_double(columns, 2) > to { break }
        }
        if zip(keyframes, keyframes.dropFirst()).contains(where: { $0.wallClock > $1.wallClock }) {
            keyframes.sort { $0.wallClock < $1.wallClock }
        }
        if keyframes.count > limit {
            following = keyframes[limit]
            keyframes.removeSubrange(limit...)
        }
        return (keyframes, following)
    }

    /// The keyframe packed at `start`.
    private static func unpacked(_ packed: UnsafeRawBufferPointer, at start: Int, segment: String) -> PlaybackCutter.Keyframe {
        func word(_ index: Int) -> UInt64 {
            UInt64(littleEndian: packed.loadUnaligned(fromByteOffset: start + 8 * index, as: UInt64.self))
        }
        return PlaybackCutter.Keyframe(
            wallClock: Double(bitPattern: word(0)), seconds: Double(bitPattern: word(1)), segment: segment,
            offset: Int64(bitPattern: word(2)))
    }
}
