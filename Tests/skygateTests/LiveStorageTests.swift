import Archive
import Foundation
import Ingest
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A small tmpfs, so a test can fill a disk for real. Needs the right to mount (root in the CI container).
enum SmallDisk {
    static let available: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-mount-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil,
            (try? ProcessRunner.run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]))?.status == 0
        else { return false }
        _ = try? ProcessRunner.run("umount", [probe])
        return true
    }()

    static func mount(_ path: String, bytes: Int) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try ProcessRunner.check("mount", ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", path])
    }

    static func unmount(_ path: String) { _ = try? ProcessRunner.run("umount", ["-l", path]) }
}

@Suite("Live service, storage")
struct LiveStorageTests {
    typealias Rig = LiveServiceTests.Rig

    @Test(
        "a full disk raises the storage alarm, leaves no index row past a segment's end, and recording resumes when space returns",
        .enabled(if: SmallDisk.available, "needs the right to mount a tmpfs"))
    func diskFull() throws {
        let rig = try Rig(cameras: ["f1"])
        defer { rig.cleanUp() }
        let segments = rig.dataDirectory + "/segments"
        try SmallDisk.mount(segments, bytes: 2 << 20)
        defer { SmallDisk.unmount(segments) }
        // Leave about 200 KB free: some ten seconds of the simulator's stream.
        let filler = segments + "/filler"
        let free = try FileManager.default.attributesOfFileSystem(forPath: segments)[.systemFreeSize] as! NSNumber
        #expect(FileManager.default.createFile(atPath: filler, contents: Data(count: free.intValue - 200_000)))

        let gateway = try rig.serve(["--segment-seconds", "4", "--max-backoff", "2"])
        #expect(try LiveServiceTests.eventually(60) { try LiveServiceTests.status(gateway).details?.storageAlarm != nil })
        let failed = try rig.health.transitions(camera: "f1").first { $0.reason == "recordingFailed" }
        #expect(failed != nil, "the camera's history says recording failed")
        #expect(try LiveServiceTests.status(gateway).details?.storageAlarm?.contains("f1") == true)

        // No row points past what its segment holds.
        func rowsWithinFiles() throws -> Bool {
            let outside = try rig.index.keyframes(camera: "f1").filter { row in
                let size = (try? FileManager.default.attributesOfItem(atPath: row.segment)[.size] as? NSNumber)?.int64Value ?? -1
                return row.byteOffset + Int64(row.size) > size
            }
            if !outside.isEmpty {
                print(
                    "rows past their segment's end: \(outside.map { ($0.wallClock, ($0.segment as NSString).lastPathComponent, $0.byteOffset) })"
                )
                let segments = Set(outside.map(\.segment))
                for segment in segments {
                    print(segment, (try? FileManager.default.attributesOfItem(atPath: segment)[.size]) ?? "missing")
                }
                print(try rig.health.transitions(camera: "f1").map { ($0.at, $0.state, $0.reason ?? "", $0.detail ?? "") })
            }
            return outside.isEmpty
        }
        Thread.sleep(forTimeInterval: 2)
        #expect(try rowsWithinFiles())
        let before = try rig.index.keyframes(camera: "f1").count

        // Space returns: recording resumes and the alarm clears.
        let freedAt = Date()
        try FileManager.default.removeItem(atPath: filler)
        #expect(try LiveServiceTests.eventually(20) { try rig.index.keyframes(camera: "f1", from: freedAt).count >= 3 })
        #expect(try LiveServiceTests.eventually(5) { try LiveServiceTests.status(gateway).details?.storageAlarm == nil })
        #expect(try rig.index.keyframes(camera: "f1").count > before)
        #expect(gateway.stop() == 0)
        #expect(try rowsWithinFiles())
    }

    @Test("retention by size removes the oldest segments and their rows while recording, never the one being written")
    func retentionWhileRecording() throws {
        let rig = try Rig(cameras: ["t1"])
        defer { rig.cleanUp() }
        // Segments of 2 s (about 35 KB at the simulator's bitrate); keep at most 100 KB.
        let gateway = try rig.serve(["--segment-seconds", "2", "--max-camera-gb", "0.0001", "--retention-interval", "3"])
        Thread.sleep(forTimeInterval: 25)
        let status = try LiveServiceTests.status(gateway)
        #expect(status.details!.removedBytes > 0, "retention removed something")
        // Stopped before files and rows are compared: a loaded CI run took seconds between listing the files and
        // reading the rows, and retention and recording moved on in between (rows of segments 13-15, files 9-12).
        #expect(gateway.stop() == 0)
        let directory = rig.dataDirectory + "/segments/t1"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".ts") }
        let bytes = try files.reduce(Int64(0)) {
            $0 + ((try FileManager.default.attributesOfItem(atPath: directory + "/" + $1)[.size] as? NSNumber)?.int64Value ?? 0)
        }
        // The limit, plus what three seconds between passes add, plus the segment being written.
        #expect(bytes <= 100_000 + 3 * 20_000 + 40_000, "\(bytes) bytes kept")
        #expect(files.count < 10, "\(files.count) segments kept after 25 s of 2 s segments")
        // Rows only for segments still on disk, and the first remaining keyframe is where a seek can start.
        let rows = try rig.index.keyframes(camera: "t1")
        #expect(Set(rows.map { ($0.segment as NSString).lastPathComponent }).isSubset(of: Set(files)))
    }
}
