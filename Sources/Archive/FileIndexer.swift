import Foundation
public import MediaIO

/// Progress of an index run, reported after each keyframe.
public struct IndexProgress: Sendable {
    /// Keyframes found so far.
    public var keyframes: Int
    /// Stream time of the last keyframe, in seconds from the start of the input.
    public var position: Double
    /// The input's duration, when known.
    public var duration: Double?
}

/// The result of indexing one input.
public struct IndexSummary: Sendable, Codable {
    public var source: IndexedSource
    public var media: MediaDescription
    public var scan: ScanSummary
    /// Wall-clock seconds the run took.
    public var elapsed: Double
}

/// Reads an input's keyframes (and their statistics) into the index.
///
/// A run is all or nothing for readers: its rows are written in batches under a source in state "indexing", which
/// becomes "complete" at the end, replacing any earlier index of the same input in the same transaction. A run that
/// fails is removed with its rows and leaves the earlier index as it was. Blocking: call from a dedicated thread.
public struct FileIndexer: Sendable {
    public let store: ArchiveDatabase
    /// Keyframe rows written per transaction.
    public let batchSize: Int

    public init(store: ArchiveDatabase, batchSize: Int = 1_000) {
        precondition(batchSize > 0, "batch size must be positive")
        self.store = store
        self.batchSize = batchSize
    }

    /// Indexes `source`, replacing any earlier index of it once this one is complete.
    public func index(
        _ source: MediaSource, options: ScanOptions = ScanOptions(), interrupt: InterruptFlag = InterruptFlag(),
        progress: (IndexProgress) -> Void = { _ in }
    ) throws -> IndexSummary {
        let started = Date()
        let scanner = try KeyframeScanner(source: source, options: options, interrupt: interrupt)
        let media = scanner.description
        let sourceID = try store.beginSource(media, analyzed: options.analyze)
        let writer = FileIndexWriter(store: store, sourceID: sourceID, batchSize: batchSize)
        var origin: Double? = nil
        var found = 0
        do {
            let scan = try scanner.run { record in
                try writer.append(record)
                found += 1
                let seconds = record.packet.seconds ?? 0
                origin = origin ?? seconds
                progress(IndexProgress(keyframes: found, position: seconds - (origin ?? 0), duration: media.duration))
            }
            try writer.flush()
            try store.completeSource(sourceID, keyframeCount: writer.written)
            guard let indexed = try store.source(id: sourceID) else {
                throw ArchiveError(.unknownSource, "the index of '\(media.source)' vanished while it was written")
            }
            return IndexSummary(source: indexed, media: media, scan: scan, elapsed: Date().timeIntervalSince(started))
        } catch {
            // Leave no half-written source behind; the original error is the one worth reporting.
            try? store.removeSource(sourceID)
            throw error
        }
    }
}
