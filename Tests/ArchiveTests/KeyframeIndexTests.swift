import Archive
import Foundation
import MediaIO
import TestSupport
import Testing

@Suite("Keyframe index")
struct KeyframeIndexTests {
    /// A fresh database file in a directory of its own, removed afterwards by the caller's `defer`.
    static func temporaryStore() throws -> (ArchiveDatabase, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-archive-\(UUID().uuidString)")
        let store = try ArchiveDatabase(path: directory.appendingPathComponent("nested/archive.sqlite").path)
        return (store, directory)
    }

    @Test("indexing stores every keyframe as ffprobe lists it, with statistics, in a WAL database")
    func indexMatchesFFprobe() throws {
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .sceneCuts))
        let summary = try FileIndexer(store: store, batchSize: 2).index(.file(path: path))
        let expected = try Oracles.keyPackets(path)
        #expect(summary.source.state == "complete")
        #expect(summary.source.keyframeCount == expected.count)
        #expect(summary.scan.analyzed == expected.count)
        let rows = try store.keyframes(sourceID: summary.source.id)
        #expect(rows.map { Oracles.ProbedPacket(pts: $0.pts, dts: $0.dts, position: $0.position, size: $0.size) } == expected)
        #expect(rows.map(\.sequence) == Array(0..<expected.count))
        #expect(rows.allSatisfy { $0.stats != nil && $0.stats?.width == 320 })
        #expect(try store.journalMode() == "wal")
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("statistics survive the round trip through SQLite unchanged")
    func statisticsRoundTrip() throws {
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.toneClip()
        var scanned: [ScannedKeyframe] = []
        _ = try KeyframeScanner(source: .file(path: path)).run { scanned.append($0) }
        let summary = try FileIndexer(store: store).index(.file(path: path))
        let stored = try store.keyframes(sourceID: summary.source.id)
        // Every statistic is stored except the thumbnail, which only the live detectors use.
        #expect(
            stored.map(\.stats)
                == scanned.map { record in
                    record.stats.map { stats in
                        var stats = stats
                        stats.thumbnail = []
                        return stats
                    }
                })
        #expect(stored.map(\.seconds) == scanned.map { $0.packet.seconds! })
    }

    @Test("a time range returns exactly the keyframes inside it")
    func timeRange() throws {
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .mp4, gop: .fixed25))
        let source = try FileIndexer(store: store).index(.file(path: path), options: Self.listingOnly).source
        let inside = try store.keyframes(sourceID: source.id, from: 2.0, to: 5.0)
        #expect(inside.map(\.seconds) == [2.0, 3.0, 4.0, 5.0])
        #expect(try store.keyframes(sourceID: source.id, from: 7.5).map(\.seconds) == [])
    }

    @Test("indexing again replaces the earlier rows instead of adding to them")
    func reindexReplaces() throws {
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: .hevc, container: .mp4, gop: .fixed50))
        let first = try FileIndexer(store: store).index(.file(path: path), options: Self.listingOnly)
        let second = try FileIndexer(store: store).index(.file(path: path))
        #expect(try store.sources().count == 1)
        #expect(try store.keyframeRowCount() == first.source.keyframeCount)
        #expect(second.source.analyzed && !first.source.analyzed)
    }

    @Test("a run that fails after writing batches leaves no trace, and other sources are untouched")
    func failedRunLeavesNothing() throws {
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let kept = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .mp4, gop: .fixed50))
        let keptSummary = try FileIndexer(store: store).index(.file(path: kept), options: Self.listingOnly)
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .fixed25))
        let interrupt = InterruptFlag()
        var rowsSeenMidway = 0
        #expect {
            _ = try FileIndexer(store: store, batchSize: 2).index(
                .file(path: path), options: Self.listingOnly, interrupt: interrupt
            ) { progress in
                if progress.keyframes == 5 {
                    rowsSeenMidway = (try? store.keyframeRowCount()) ?? -1
                    interrupt.abort()
                }
            }
        } throws: { error in
            (error as? MediaError)?.code == .aborted
        }
        #expect(rowsSeenMidway > keptSummary.source.keyframeCount, "batches should have been committed before the failure")
        #expect(try store.sources().map(\.locator) == [kept])
        #expect(try store.keyframeRowCount() == keptSummary.source.keyframeCount)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("a failed re-index keeps the earlier complete index readable")
    func failedReindexKeepsEarlierIndex() throws {
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .fixed25))
        let first = try FileIndexer(store: store).index(.file(path: path), options: Self.listingOnly)
        let rows = try store.keyframes(sourceID: first.source.id)
        let interrupt = InterruptFlag()
        #expect(throws: MediaError.self) {
            _ = try FileIndexer(store: store, batchSize: 1).index(.file(path: path), interrupt: interrupt) { progress in
                if progress.keyframes == 3 { interrupt.abort() }
            }
        }
        #expect(try store.source(locator: path) == first.source)
        #expect(try store.keyframes() == rows)
    }

    @Test("the same file gives the same locator from any working directory")
    func locatorsAreAbsolute() throws {
        let path = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .fixed25))
        let relative = "./" + URL(fileURLWithPath: path).lastPathComponent
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        #expect(MediaSource.file(path: relative).locator == path)
    }

    static var listingOnly: ScanOptions {
        var options = ScanOptions()
        options.analyze = false
        return options
    }
}
