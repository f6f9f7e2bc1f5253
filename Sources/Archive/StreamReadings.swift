public import Foundation
internal import GRDB

/// What a connection received over about a second, as the detectors judge throughput (stream degraded, frame rate
/// shortfall): kept so `skygate diagnose replay` judges a recorded camera's stream as the live detector did.
public struct ThroughputReading: Sendable, Equatable {
    /// When the reading was taken (its window's end).
    public var at: Date
    public var bytes: Int
    /// Pictures, not packets.
    public var frames: Int
    /// The window's length.
    public var seconds: Double

    public init(at: Date, bytes: Int, frames: Int, seconds: Double) {
        self.at = at
        self.bytes = bytes
        self.frames = frames
        self.seconds = seconds
    }
}

/// A camera's clock against the gateway's (positive: the camera's is ahead), as its sender reports told it.
public struct ClockReading: Sendable, Equatable {
    public var camera: String
    public var at: Date
    public var offset: Double

    public init(camera: String, at: Date, offset: Double) {
        self.camera = camera
        self.at = at
        self.offset = offset
    }
}

/// The frame rate a stream declared (nil: not known), as the detector heard it at the end of a keyframe's analysis.
public struct DeclaredFrameRate: Sendable, Equatable {
    public var rate: Double?
    public var at: Date

    public init(rate: Double?, at: Date) {
        self.rate = rate
        self.at = at
    }
}

/// Everything of a recorded camera's stream that its conformance detectors judged, over a time range.
public struct StreamHistory: Sendable, Equatable {
    public var throughput: [ThroughputReading] = []
    public var clockReadings: [ClockReading] = []
    /// Every recorded keyframe's time, analysed or not: the intervals between them are what long GOP judges.
    public var keyframeTimes: [Date] = []
    /// The frame rate the stream declared at each analysis's end, oldest first: analysis runs behind the stream, and
    /// the detector judges the throughput it receives meanwhile against the rate it last heard.
    public var declaredFrameRates: [DeclaredFrameRate] = []

    public init() {}

    /// Nothing stored: an archive from before these readings were kept, or a camera that never streamed.
    public var isEmpty: Bool { throughput.isEmpty && clockReadings.isEmpty }
}

/// Throughput readings packed fourteen bytes each, a row per `StreamReadingLog.readingsPerRow` of a camera: a reading a
/// second per camera would otherwise be 86,400 rows a day, more than its keyframes.
enum ThroughputPacking {
    static let readingSize = 14

    /// `readings` (oldest first) as stored: each one's time in milliseconds after `start` (UInt32), its bytes
    /// (UInt32, saturated), pictures (UInt16, saturated) and length in microseconds (UInt32, saturated: 71 minutes),
    /// little-endian. The length to the microsecond: the detector sums lengths into windows of so many seconds, and a
    /// replay's sums must cross a window's end at the reading the live one did.
    static func pack(_ readings: [ThroughputReading], from start: Date) -> Data {
        var data = Data(capacity: readings.count * readingSize)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        for reading in readings {
            append(UInt32(clamping: Int((reading.at.timeIntervalSince(start) * 1000).rounded())))
            append(UInt32(clamping: reading.bytes))
            append(UInt16(clamping: reading.frames))
            append(UInt32(clamping: Int((reading.seconds * 1_000_000).rounded())))
        }
        return data
    }

    /// The readings of one row; a truncated tail is dropped.
    static func unpack(_ data: Data, from start: Date) -> [ThroughputReading] {
        let bytes = [UInt8](data)
        func value<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
            (0..<MemoryLayout<T>.size).reduce(T.zero) { $0 | T(bytes[offset + $1]) << (8 * $1) }
        }
        return stride(from: 0, to: bytes.count - readingSize + 1, by: readingSize).map { offset in
            ThroughputReading(
                at: start.addingTimeInterval(Double(value(UInt32.self, at: offset)) / 1000),
                bytes: Int(value(UInt32.self, at: offset + 4)), frames: Int(value(UInt16.self, at: offset + 8)),
                seconds: Double(value(UInt32.self, at: offset + 10)) / 1_000_000)
        }
    }
}

/// The stream readings of recorded cameras (throughput, clock offsets, declared frame rates) and their keyframes'
/// times, read back for replays. Written through `RecordingIndex.apply` with the index's batches.
public struct StreamReadingLog: Sendable {
    let store: ArchiveDatabase

    public init(store: ArchiveDatabase) { self.store = store }

    /// Throughput readings per row: ten (about ten seconds), a tenth of a camera's keyframe rows at a 1 s GOP.
    public static let readingsPerRow = 10

    /// A camera's stream history over `from..<to`.
    public func history(camera: String, from: Date, to: Date) throws -> StreamHistory {
        let range = (from.timeIntervalSince1970, to.timeIntervalSince1970)
        // A packed row starts at its first reading: one that began up to a row's length before `from` may hold some.
        // A reading is about a second; one of over a minute (a minute without a packet) ends the connection first.
        let rowSpan = Double(Self.readingsPerRow) * 60
        return try store.read("query stream readings") { db in
            var history = StreamHistory()
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT wall_time, readings FROM stream_throughput WHERE camera = ? AND wall_time >= ? AND wall_time < ? ORDER BY wall_time",
                arguments: [camera, range.0 - rowSpan, range.1])
            {
                let readings = ThroughputPacking.unpack(row[1], from: Date(timeIntervalSince1970: row[0]))
                history.throughput += readings.filter { $0.at >= from && $0.at < to }
            }
            history.clockReadings = try Row.fetchAll(
                db,
                sql:
                    "SELECT wall_time, offset FROM clock_reading WHERE camera = ? AND wall_time >= ? AND wall_time < ? ORDER BY wall_time",
                arguments: [camera, range.0, range.1]
            ).map { ClockReading(camera: camera, at: Date(timeIntervalSince1970: $0[0]), offset: $0[1]) }
            history.keyframeTimes = try Double.fetchAll(
                db,
                sql:
                    "SELECT wall_time FROM recorded_keyframe WHERE camera = ? AND wall_time >= ? AND wall_time < ? ORDER BY wall_time, seconds",
                arguments: [camera, range.0, range.1]
            ).map(Date.init(timeIntervalSince1970:))
            history.declaredFrameRates = try Row.fetchAll(
                db,
                sql: """
                    SELECT declared_frame_rate, analysed_at FROM recorded_keyframe
                    WHERE camera = ? AND wall_time >= ? AND wall_time < ? AND mean_luma IS NOT NULL AND analysed_at IS NOT NULL
                    ORDER BY analysed_at
                    """,
                arguments: [camera, range.0, range.1]
            ).map { DeclaredFrameRate(rate: $0[0], at: Date(timeIntervalSince1970: $0[1])) }
            return history
        }
    }

    static func insertThroughput(camera: String, _ readings: [ThroughputReading], _ db: Database) throws {
        guard let start = readings.first?.at else { return }
        try db.cachedStatement(sql: "INSERT INTO stream_throughput (camera, wall_time, readings) VALUES (?, ?, ?)")
            .execute(arguments: [camera, start.timeIntervalSince1970, ThroughputPacking.pack(readings, from: start)])
    }

    static func insertClock(_ reading: ClockReading, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO clock_reading (camera, wall_time, offset) VALUES (?, ?, ?)")
            .execute(arguments: [reading.camera, reading.at.timeIntervalSince1970, reading.offset])
    }
}
