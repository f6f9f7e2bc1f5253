internal import GRDB

/// A stretch of one camera's consecutive keyframes with no gap row inside it and no pause longer than
/// `longestPause`: what coverage is answered from. Kept up to date with the keyframe rows (`RunBook`), so a month of
/// coverage reads a few hundred runs instead of 1.3 million keyframes (28 s and 1 GB of RSS in a debug build, issue 13).
struct RecordingRun: Equatable {
    /// Its row in `recording_run`; nil until written.
    var rowID: Int64?
    var camera: String
    /// Wall-clock times (seconds since 1970) of its first and last keyframes.
    var from: Double
    var to: Double
    var keyframes: Int
    /// Seconds between its last two keyframes of distinct times; nil while it has one.
    var lastInterval: Double?
    /// False once a gap row was recorded after it: the camera's next keyframe starts a new run.
    var isOpen: Bool

    /// The longest pause between two keyframes of one run: 10 s, or three keyframe intervals for long GOPs (a camera
    /// with 12 s GOPs is not a gap every GOP); 60 s while one keyframe gives no interval. A longer pause with no gap row
    /// is a stretch when the service was not running, which no worker saw. (Coverage used the same rule with the
    /// median interval of the asked range before it read runs.)
    var longestPause: Double { lastInterval.map { max(10, 3 * $0) } ?? 60 }

    init(camera: String, keyframeAt wallTime: Double) {
        self.camera = camera
        from = wallTime
        to = wallTime
        keyframes = 1
        isOpen = true
    }

    init(row: Row) {
        rowID = row["rowid"]
        camera = row["camera"]
        from = row["from_time"]
        to = row["to_time"]
        keyframes = row["keyframes"]
        lastInterval = row["last_interval"]
        isOpen = row["open"]
    }

    /// Takes a keyframe at `wallTime` into the run if it continues it (or is a late twin within it); false when it
    /// starts a new run.
    mutating func extend(with wallTime: Double) -> Bool {
        if wallTime >= from && wallTime <= to {
            keyframes += 1
            return true
        }
        guard isOpen, wallTime > to, wallTime - to <= longestPause else { return false }
        lastInterval = wallTime - to
        to = wallTime
        keyframes += 1
        return true
    }

    /// Inserts or updates its row.
    mutating func save(_ db: Database) throws {
        let arguments: StatementArguments = [camera, from, to, keyframes, lastInterval, isOpen]
        if let rowID {
            try db.cachedStatement(
                sql: """
                    UPDATE recording_run SET camera = ?, from_time = ?, to_time = ?, keyframes = ?, last_interval = ?, open = ?
                    WHERE rowid = ?
                    """
            ).execute(arguments: arguments + [rowID])
        } else {
            try db.cachedStatement(
                sql:
                    "INSERT INTO recording_run (camera, from_time, to_time, keyframes, last_interval, open) VALUES (?, ?, ?, ?, ?, ?)"
            ).execute(arguments: arguments)
            rowID = db.lastInsertedRowID
        }
    }

    /// The run of `camera` that starts last, at or before `time`: with no time, the one new keyframes extend.
    static func last(camera: String, startingBy time: Double = .greatestFiniteMagnitude, _ db: Database) throws
        -> RecordingRun?
    {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT rowid, * FROM recording_run WHERE camera = ? AND from_time <= ? ORDER BY from_time DESC LIMIT 1"),
            arguments: [camera, time]
        ).map(RecordingRun.init(row:))
    }

    /// `camera`'s runs that reach into `from…to` (seconds since 1970), by start time.
    static func overlapping(camera: String, from: Double, to: Double, _ db: Database) throws -> [RecordingRun] {
        try Row.fetchAll(
            db,
            sql: "SELECT rowid, * FROM recording_run WHERE camera = ? AND to_time >= ? AND from_time <= ? ORDER BY from_time",
            arguments: [camera, from, to]
        ).map(RecordingRun.init(row:))
    }
}
