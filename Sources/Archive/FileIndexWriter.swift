internal import GRDB
import MediaIO

/// Appends keyframe rows of one source, buffered and written in batched transactions with one prepared statement.
///
/// Not `Sendable`: it belongs to the thread that produces the keyframes.
final class FileIndexWriter {
    private let store: ArchiveDatabase
    private let sourceID: Int64
    private let batchSize: Int
    private var pending: [ScannedKeyframe] = []
    private(set) var written = 0

    init(store: ArchiveDatabase, sourceID: Int64, batchSize: Int = 1_000) {
        self.store = store
        self.sourceID = sourceID
        self.batchSize = batchSize
        pending.reserveCapacity(batchSize)
    }

    func append(_ record: ScannedKeyframe) throws {
        pending.append(record)
        if pending.count >= batchSize { try flush() }
    }

    /// Writes what is buffered in one transaction.
    func flush() throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        let first = written
        try store.write("write keyframes") { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO keyframe (source_id, sequence, pts, dts, seconds, position, size, mean_luma, luma_stddev,
                        dark_fraction, bright_fraction, sharpness, edge_density, phash, mean_u, mean_v, saturation, noise,
                        uniform_fraction, stripes, concealed)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for (offset, record) in batch.enumerated() {
                let packet = record.packet
                let stats = record.stats
                statement.setUncheckedArguments([
                    sourceID, first + offset, packet.pts, packet.dts, packet.seconds ?? 0, packet.position, packet.size,
                    stats?.meanLuma, stats?.lumaStdDev, stats?.darkFraction, stats?.brightFraction, stats?.sharpness,
                    stats?.edgeDensity, stats.map { Int64(bitPattern: $0.perceptualHash) }, stats?.meanU, stats?.meanV,
                    stats?.saturation, stats?.noise, stats?.uniformFraction, stats?.stripes, stats?.concealed,
                ])
                try statement.execute()
            }
        }
        written += batch.count
        pending.removeAll(keepingCapacity: true)
    }
}

@available(*, unavailable)
extension FileIndexWriter: Sendable {}
