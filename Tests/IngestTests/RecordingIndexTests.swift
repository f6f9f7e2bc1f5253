import Archive
import Foundation
import Ingest
import TestSupport
import Testing

@Suite("Recording index, live", .serialized)
struct RecordingIndexTests {
    @Test("live keyframes are indexed by wall time with where to cut; an outage is one gap row")
    func indexesLiveRecording() throws {
        let simulator = try CameraSimulator(cameras: ["cam1"])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-recidx-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let index = RecordingIndex(store: try ArchiveDatabase(path: directory + "/archive.sqlite"))
        let indexer = RecordingIndexWriter(index: index) { error in
            if let error { Issue.record("index write failed: \(error)") }
        }
        indexer.start()
        let events = LiveWorkerTests.Events()
        var configuration = WorkerConfiguration(segmentDirectory: directory + "/segments")
        configuration.demux.readTimeout = 2
        configuration.segmentDuration = 2
        configuration.backoff = Backoff(base: 0.5, cap: 1)
        let worker = CameraWorker(camera: "cam1", connectionURL: simulator.url("cam1"), configuration: configuration) { event in
            indexer.handle(event)
            events.add(event)
        }
        worker.start()
        #expect(events.wait(15) { $0.keyframes.count >= 3 })
        try simulator.fault("cam1", "drop")
        #expect(events.wait(10) { $0.health.filter { $0.state == .streaming }.count >= 2 })
        let reconnectedAt = events.keyframes.count
        #expect(events.wait(10) { $0.keyframes.count >= reconnectedAt + 3 })
        worker.stop()
        #expect(worker.waitUntilStopped(timeout: 1))
        indexer.stop()

        let rows = try index.keyframes(camera: "cam1")
        #expect(rows.count == events.keyframes.count)
        #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.wallClock < $1.wallClock && $0.seconds < $1.seconds })
        let gaps = try index.gaps(camera: "cam1")
        #expect(gaps.count == 1)
        #expect(gaps.first?.reason == "ended")
        if let gap = gaps.first {
            // The gap runs from the last keyframe before the drop to the first after the reconnect.
            #expect(rows.contains { $0.wallClock == gap.from } && rows.contains { $0.wallClock == gap.to })
            #expect(!rows.contains { $0.wallClock > gap.from && $0.wallClock < gap.to })
        }
        // Every row points at a keyframe: ffprobe finds one within four TS packets after the recorded offset.
        for (segment, segmentRows) in Dictionary(grouping: rows, by: \.segment) {
            let positions = try Oracles.keyPackets(segment).compactMap(\.position)
            for row in segmentRows {
                #expect(
                    positions.contains { $0 >= row.byteOffset && $0 - row.byteOffset < 4 * 188 }, "\(segment) @ \(row.byteOffset)"
                )
            }
        }
        // A time-range query is an index lookup.
        let middle = rows[rows.count / 2].wallClock
        #expect(try index.keyframes(camera: "cam1", from: middle).first?.wallClock == middle)
    }
}
