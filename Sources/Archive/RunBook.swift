internal import GRDB

/// Keeps `recording_run` in step with the keyframe and gap rows written in one transaction: each camera's latest run
/// is read once per batch, extended in memory, and written back once (`finish`), not once per keyframe.
struct RunBook {
    private var latest: [String: RecordingRun] = [:]
    private var changed: Set<String> = []

    /// A keyframe row of `camera` at `wallTime` was written.
    mutating func keyframe(camera: String, at wallTime: Double, _ db: Database) throws {
        if latest[camera] == nil, let run = try RecordingRun.last(camera: camera, db) { latest[camera] = run }
        if var run = latest[camera], run.extend(with: wallTime) {
            latest[camera] = run
        } else {
            try save(camera, db)
            latest[camera] = RecordingRun(camera: camera, keyframeAt: wallTime)
        }
        changed.insert(camera)
    }

    /// A gap row of `camera` from `from` to `to` was written: the run before it ends there. A gap written after
    /// keyframes that follow it (a late write) splits the run it falls in.
    mutating func gap(camera: String, from: Double, to: Double, _ db: Database) throws {
        try save(camera, db)
        latest[camera] = nil
        guard var run = try RecordingRun.last(camera: camera, startingBy: to, db) else { return }
        if run.to <= to {
            run.isOpen = false
            try run.save(db)
        } else if run.from < from {
            try Self.split(run, before: from, after: to, db)
        }
    }

    /// Writes the runs this batch changed.
    mutating func finish(_ db: Database) throws {
        for camera in changed { try save(camera, db) }
    }

    private mutating func save(_ camera: String, _ db: Database) throws {
        guard changed.remove(camera) != nil, var run = latest[camera] else { return }
        try run.save(db)
        latest[camera] = run
    }

    /// Builds every camera's runs from its keyframe and gap rows, in time order (an archive from before runs).
    static func build(_ db: Database) throws {
        var book = RunBook()
        for camera in try String.fetchAll(db, sql: "SELECT DISTINCT camera FROM recorded_keyframe") {
            var gaps = try Row.fetchAll(
                db, sql: "SELECT from_time, to_time FROM recording_gap WHERE camera = ? ORDER BY to_time", arguments: [camera]
            ).map { (from: $0["from_time"] as Double, to: $0["to_time"] as Double) }[...]
            let times = try Double.fetchCursor(
                db, sql: "SELECT wall_time FROM recorded_keyframe WHERE camera = ? ORDER BY wall_time", arguments: [camera])
            while let time = try times.next() {
                while let gap = gaps.first, gap.to <= time {
                    try book.gap(camera: camera, from: gap.from, to: gap.to, db)
                    gaps.removeFirst()
                }
                try book.keyframe(camera: camera, at: time, db)
            }
            for gap in gaps { try book.gap(camera: camera, from: gap.from, to: gap.to, db) }
        }
        try book.finish(db)
    }

    /// Deletes the keyframe rows of `segment` and takes them out of their runs. Retention removes the oldest segment,
    /// so a run usually loses its start, which costs one index seek; a run that loses its end or a middle part is
    /// rebuilt from its rows (a removed middle part is a gap if it is longer than the run's longest pause).
    static func removeKeyframes(ofSegment segment: String, _ db: Database) throws {
        let removed = try Row.fetchAll(
            db, sql: "SELECT camera, wall_time FROM recorded_keyframe WHERE segment = ?", arguments: [segment]
        ).map { (camera: $0["camera"] as String, wallTime: $0["wall_time"] as Double) }
        try db.execute(sql: "DELETE FROM recorded_keyframe WHERE segment = ?", arguments: [segment])
        for (camera, rows) in Dictionary(grouping: removed, by: \.camera) {
            let times = rows.map(\.wallTime)
            for var run in try RecordingRun.overlapping(camera: camera, from: times.min()!, to: times.max()!, db) {
                let inRun = times.filter { $0 >= run.from && $0 <= run.to }
                guard let first = inRun.min(), let last = inRun.max() else { continue }
                guard first > run.from else {
                    run.keyframes -= inRun.count
                    let start = try Double.fetchOne(
                        db, sql: "SELECT MIN(wall_time) FROM recorded_keyframe WHERE camera = ? AND wall_time BETWEEN ? AND ?",
                        arguments: [camera, first, run.to])
                    guard run.keyframes > 0, let start else {
                        try db.execute(sql: "DELETE FROM recording_run WHERE rowid = ?", arguments: [run.rowID])
                        continue
                    }
                    run.from = start
                    try run.save(db)
                    continue
                }
                try split(run, before: first, after: last, joiningShortHoles: true, db)
            }
        }
    }

    /// Replaces `run` by its keyframes up to `before` and from `after` on (a gap row inside it, or a removed part).
    /// Counts rows: only a gap written after later keyframes, or a segment removed from the middle or the end of a
    /// run, come here. With `joiningShortHoles`, parts no further apart than the run's longest pause stay one run.
    static func split(
        _ run: RecordingRun, before: Double, after: Double, joiningShortHoles: Bool = false, _ db: Database
    ) throws {
        try db.execute(sql: "DELETE FROM recording_run WHERE rowid = ?", arguments: [run.rowID])
        var left = try rebuilt(camera: run.camera, from: run.from, to: before, db)
        let right = try rebuilt(camera: run.camera, from: after, to: run.to, db)
        if var joined = left, let right, joiningShortHoles, right.from - joined.to <= joined.longestPause {
            joined.lastInterval = right.lastInterval ?? right.from - joined.to
            joined.to = right.to
            joined.keyframes += right.keyframes
            joined.isOpen = run.isOpen
            try joined.save(db)
            return
        }
        left?.isOpen = right == nil && run.isOpen
        if var left { try left.save(db) }
        if var right {
            right.isOpen = run.isOpen
            try right.save(db)
        }
    }

    /// A run of `camera`'s keyframe rows between two times (nil if there are none), counted from the index.
    static func rebuilt(camera: String, from: Double, to: Double, _ db: Database) throws -> RecordingRun? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT MIN(wall_time) AS first, MAX(wall_time) AS last, COUNT(*) AS count FROM recorded_keyframe
                    WHERE camera = ? AND wall_time BETWEEN ? AND ?
                    """,
                arguments: [camera, from, to]),
            let first: Double = row["first"], let last: Double = row["last"]
        else { return nil }
        var run = RecordingRun(camera: camera, keyframeAt: first)
        run.to = last
        run.keyframes = row["count"]
        let previous = try Double.fetchOne(
            db, sql: "SELECT MAX(wall_time) FROM recorded_keyframe WHERE camera = ? AND wall_time >= ? AND wall_time < ?",
            arguments: [camera, first, last])
        run.lastInterval = previous.map { last - $0 }
        return run
    }
}
