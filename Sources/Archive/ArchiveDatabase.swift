import FileLocking
import Foundation
internal import GRDB
import MediaIO

/// The keyframe index: an SQLite file (WAL) holding indexed sources and their keyframes.
///
/// Safe to share across threads. A `DatabasePool`: readers (the API's viewers) each get a connection of their own and
/// never wait for the writer nor for each other; writes are serialised and batched (`FileIndexWriter`, ingest's
/// `RecordingIndexWriter`). With one `DatabaseQueue`, a viewer's 16 s range query held up `/readyz` and every camera's
/// keyframe rows behind it (issue 13).
public final class ArchiveDatabase: Sendable {
    let database: DatabasePool
    /// The database file.
    public let path: String

    /// Opens or creates the index at `path`, creating its directory, and migrates it to the current schema.
    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ArchiveError(
                    .storeUnavailable, "cannot create directory '\(directory)' for the index",
                    underlying: error.localizedDescription)
            }
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // The CLI and the service share the file; wait for each other rather than fail.
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            // A pool sets WAL itself.
            database = try MigrationLock.holding(forDatabaseAt: path) {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try ArchiveDatabase.migrator.migrate(pool)
                return pool
            }
        } catch {
            throw ArchiveError(
                .storeUnavailable, "cannot open the index '\(path)'", underlying: "\(error)",
                sqliteCode: (error as? DatabaseError)?.extendedResultCode.rawValue)
        }
    }

    // MARK: - Sources

    /// Starts (re)indexing `media`: adds an empty source in state "indexing" and returns its ID. An earlier index of
    /// the same input stays readable until the new one completes.
    func beginSource(_ media: MediaDescription, analyzed: Bool) throws -> Int64 {
        let video = media.videoStream
        return try write("start indexing '\(media.source)'") { db in
            try db.execute(
                sql: """
                    INSERT INTO source (locator, state, format, codec, width, height, time_base_num, time_base_den,
                                        duration, analyzed, started_at)
                    VALUES (?, 'indexing', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    media.source, media.format, video.codec, video.width, video.height, video.timeBase.numerator,
                    video.timeBase.denominator, media.duration, analyzed, ArchiveDatabase.now(),
                ])
            return db.lastInsertedRowID
        }
    }

    /// Marks a source complete with its final keyframe count and, in the same transaction, removes every other
    /// index of the same input (the one it replaces, or runs that were interrupted).
    func completeSource(_ id: Int64, keyframeCount: Int) throws {
        try write("finish the index") { db in
            try db.execute(
                sql: "DELETE FROM source WHERE locator = (SELECT locator FROM source WHERE id = ?) AND id != ?",
                arguments: [id, id])
            try db.execute(
                sql: "UPDATE source SET state = 'complete', keyframe_count = ?, finished_at = ? WHERE id = ?",
                arguments: [keyframeCount, ArchiveDatabase.now(), id])
        }
    }

    /// Removes a source and all its keyframes (one transaction), e.g. after a failed index run.
    func removeSource(_ id: Int64) throws {
        try write("remove a partial index") { db in
            try db.execute(sql: "DELETE FROM source WHERE id = ?", arguments: [id])
        }
    }

    /// Every indexed source, oldest first.
    public func sources() throws -> [IndexedSource] {
        try read("list sources") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM source ORDER BY id").map(ArchiveDatabase.source(from:))
        }
    }

    /// The index of the input with this locator (absolute path or redacted URL): the complete one if there is one,
    /// else the newest run.
    public func source(locator: String) throws -> IndexedSource? {
        try read("find a source") { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM source WHERE locator = ? ORDER BY state = 'complete' DESC, id DESC LIMIT 1",
                arguments: [locator]
            ).map(ArchiveDatabase.source(from:))
        }
    }

    /// The source with this row ID.
    public func source(id: Int64) throws -> IndexedSource? {
        try read("find a source") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM source WHERE id = ?", arguments: [id]).map(ArchiveDatabase.source(from:))
        }
    }

    // MARK: - Keyframes

    /// Keyframes of one source (or all sources) with `from ≤ seconds ≤ to`, in source and stream order.
    public func keyframes(sourceID: Int64? = nil, from: Double? = nil, to: Double? = nil) throws -> [IndexedKeyframe] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let sourceID {
            conditions.append("source_id = ?")
            arguments += [sourceID]
        }
        if let from {
            conditions.append("seconds >= ?")
            arguments += [from]
        }
        if let to {
            conditions.append("seconds <= ?")
            arguments += [to]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try read("query keyframes") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT keyframe.*, source.width AS frame_width, source.height AS frame_height
                    FROM keyframe JOIN source ON source.id = keyframe.source_id
                    \(filter) ORDER BY source_id, sequence
                    """,
                arguments: arguments
            )
            .map(ArchiveDatabase.keyframe(from:))
        }
    }

    /// The journal mode in force ("wal").
    public func journalMode() throws -> String {
        try read("read the journal mode") { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "unknown" }
    }

    /// Number of keyframe rows, over all sources (including any left by an interrupted run).
    public func keyframeRowCount() throws -> Int {
        try read("count keyframes") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM keyframe") ?? 0 }
    }

    /// SQLite's own consistency check: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try read("check integrity") { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    // MARK: - Helpers

    func write<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try database.write(body)
        } catch {
            throw ArchiveError(
                .storeFailed, "cannot \(what) in '\(path)'", underlying: "\(error)",
                sqliteCode: (error as? DatabaseError)?.extendedResultCode.rawValue)
        }
    }

    /// Inserts rows with one prepared statement in one transaction (the live recording's append path).
    func insert(_ what: String, sql: String, rows: [StatementArguments]) throws {
        guard !rows.isEmpty else { return }
        try write(what) { db in
            let statement = try db.cachedStatement(sql: sql)
            for arguments in rows { try statement.execute(arguments: arguments) }
        }
    }

    func read<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch {
            throw ArchiveError(
                .storeFailed, "cannot \(what) in '\(path)'", underlying: "\(error)",
                sqliteCode: (error as? DatabaseError)?.extendedResultCode.rawValue)
        }
    }

    private static func now() -> String {
        TimeText.format(Date())
    }

    private static func source(from row: Row) -> IndexedSource {
        IndexedSource(
            id: row["id"], locator: row["locator"], state: row["state"], format: row["format"], codec: row["codec"],
            width: row["width"], height: row["height"], timeBase: Rational(row["time_base_num"], row["time_base_den"]),
            duration: row["duration"], keyframeCount: row["keyframe_count"], analyzed: row["analyzed"],
            startedAt: row["started_at"], finishedAt: row["finished_at"])
    }

    private static func keyframe(from row: Row) -> IndexedKeyframe {
        var stats: FrameStats? = nil
        if let meanLuma: Double = row["mean_luma"] {
            let hash: Int64 = row["phash"]
            stats = FrameStats(
                width: row["frame_width"] ?? 0, height: row["frame_height"] ?? 0, meanLuma: meanLuma,
                lumaStdDev: row["luma_stddev"], darkFraction: row["dark_fraction"],
                brightFraction: row["bright_fraction"], sharpness: row["sharpness"], edgeDensity: row["edge_density"],
                perceptualHash: UInt64(bitPattern: hash), meanU: row["mean_u"], meanV: row["mean_v"],
                saturation: row["saturation"], noise: row["noise"], uniformFraction: row["uniform_fraction"],
                stripes: row["stripes"], concealed: row["concealed"])
        }
        return IndexedKeyframe(
            sourceID: row["source_id"], sequence: row["sequence"], pts: row["pts"], dts: row["dts"], seconds: row["seconds"],
            position: row["position"], size: row["size"], stats: stats)
    }
}
