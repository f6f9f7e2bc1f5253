import Archive
import Foundation
import Testing

@Suite("Retention and coverage")
struct RetentionTests {
    /// A store, a segment root with `layout` (camera → segment sizes, oldest first, one minute apart, the newest
    /// ending `now`), and one index row per segment.
    static func archive(_ layout: [String: [Int]], now: Date) throws -> (RecordingIndex, Retention, URL, [String: [String]]) {
        let (store, directory) = try KeyframeIndexTests.temporaryStore()
        let root = directory.appendingPathComponent("segments")
        let index = RecordingIndex(store: store)
        var paths: [String: [String]] = [:]
        for (camera, sizes) in layout {
            let folder = root.appendingPathComponent(camera)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (number, size) in sizes.enumerated() {
                let ended = now.addingTimeInterval(-60 * Double(sizes.count - 1 - number))
                let path = folder.appendingPathComponent(
                    String(format: "%013lld-%06d.ts", Int64(ended.timeIntervalSince1970 * 1000), number + 1)
                ).path
                #expect(FileManager.default.createFile(atPath: path, contents: Data(count: size)))
                try FileManager.default.setAttributes([.modificationDate: ended], ofItemAtPath: path)
                try index.append([
                    RecordedKeyframe(
                        camera: camera, wallClock: ended.addingTimeInterval(-30), seconds: Double(number * 60), segment: path,
                        byteOffset: 0, size: 10)
                ])
                paths[camera, default: []].append(path)
            }
        }
        return (index, Retention(index: index, segmentRoot: root.path), directory, paths)
    }

    static func remaining(_ index: RecordingIndex, _ camera: String) throws -> [String] {
        try index.keyframes(camera: camera).map(\.segment)
    }

    @Test("by age: segments that ended before the limit go with their rows; the camera's own limit applies too")
    func byAge() throws {
        let now = Date()
        let (index, retention, directory, paths) = try Self.archive(
            ["a": [100, 100, 100, 100], "b": [100, 100, 100, 100]], now: now)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Global limit 150 s: segments that ended 180 s ago go. Camera b keeps only 90 s.
        let result = try retention.enforce(RetentionPolicy(maximumAge: 150, maximumAgeByCamera: ["b": 90]), now: now)
        #expect(Set(result.removedSegments) == Set([paths["a"]![0], paths["b"]![0], paths["b"]![1]]))
        #expect(result.freedBytes == 300)
        #expect(try Self.remaining(index, "a") == Array(paths["a"]![1...]))
        #expect(try Self.remaining(index, "b") == Array(paths["b"]![2...]))
        #expect(!FileManager.default.fileExists(atPath: paths["a"]![0]))
    }

    /// Issue 13, item 6: with no `--keep`, the recordings of a camera removed from the registry were kept for ever.
    @Test("the recordings of a camera removed from the registry are kept only as long as removed cameras' limit")
    func removedCameras() throws {
        let now = Date()
        let (index, retention, directory, paths) = try Self.archive(
            ["kept": [100, 100, 100, 100], "gone": [100, 100, 100, 100]], now: now)
        defer { try? FileManager.default.removeItem(at: directory) }
        var policy = RetentionPolicy()
        policy.registeredCameras = ["kept"]
        policy.removedCameraMaximumAge = 90
        let result = try retention.enforce(policy, now: now)
        #expect(Set(result.removedSegments) == Set(paths["gone"]![0...1]), "\(result.removedSegments)")
        #expect(try Self.remaining(index, "kept") == paths["kept"]!)
        #expect(try Self.remaining(index, "gone") == Array(paths["gone"]![2...]))
    }

    @Test("by size per camera and in total: oldest first, never a segment being written")
    func bySize() throws {
        let now = Date()
        let (index, retention, directory, paths) = try Self.archive(["a": [400, 300, 200, 100], "b": [50, 50]], now: now)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Camera limit 350 over a's 1000 bytes: its oldest two go (700 → 300).
        var result = try retention.enforce(RetentionPolicy(maximumBytesPerCamera: 350), now: now, writing: [paths["a"]![3]])
        #expect(result.removedSegments == [paths["a"]![0], paths["a"]![1]])
        #expect(try Self.remaining(index, "a") == [paths["a"]![2], paths["a"]![3]])
        // Total limit 250 over a (200 + 100) and b (50 + 50): the oldest in time goes first, whatever the camera.
        result = try retention.enforce(RetentionPolicy(maximumBytesTotal: 250), now: now)
        #expect(result.removedSegments == [paths["a"]![2]])
        #expect(result.keptBytes == 200)
        #expect(try Self.remaining(index, "b") == paths["b"]!)
        // The segment being written stays even when it alone is over the limit.
        result = try retention.enforce(RetentionPolicy(maximumBytesPerCamera: 10), now: now, writing: [paths["a"]![3]])
        #expect(result.removedSegments.isEmpty == false && !result.removedSegments.contains(paths["a"]![3]))
        #expect(FileManager.default.fileExists(atPath: paths["a"]![3]))
    }

    @Test("coverage: recorded spans between gap rows, unknown stretches as gaps, clipped to the asked range")
    func coverage() throws {
        let (store, directory) = try KeyframeIndexTests.temporaryStore()
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = RecordingIndex(store: store)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        // Keyframes every 2 s from 0 to 20 s, a gap row (dropped) 20 → 30 s, keyframes 30 to 40 s, then nothing
        // until 100 s (the service was down, no gap row), keyframes 100 to 110 s.
        let times =
            Array(stride(from: 0.0, through: 20, by: 2)) + Array(stride(from: 30.0, through: 40, by: 2))
            + Array(stride(from: 100.0, through: 110, by: 2))
        try index.append(
            times.map {
                RecordedKeyframe(
                    camera: "c", wallClock: t0.addingTimeInterval($0), seconds: $0, segment: "/s", byteOffset: 0, size: 1)
            })
        try index.addGap(
            RecordingGap(camera: "c", from: t0.addingTimeInterval(20), to: t0.addingTimeInterval(30), reason: "ended"))

        let spans = try index.coverage(camera: "c", from: t0.addingTimeInterval(5), to: t0.addingTimeInterval(120))
        let shape = spans.map {
            ($0.kind, $0.from.timeIntervalSince(t0), $0.to.timeIntervalSince(t0), $0.reason ?? "\($0.keyframes!)")
        }
        #expect(shape.map(\.0) == [.recorded, .gap, .recorded, .gap, .recorded, .gap])
        #expect(shape.map(\.1) == [5, 20, 30, 40, 100, 112])
        #expect(shape.map(\.2) == [20, 30, 40, 100, 112, 120])
        // The first span counts the keyframe at 4 s, where playing from 5 s starts.
        #expect(shape.map(\.3) == ["9", "ended", "6", "not recorded", "6", "not recorded"])
        // After the recording: one gap, exactly the asked range.
        let after = try index.coverage(camera: "c", from: t0.addingTimeInterval(200), to: t0.addingTimeInterval(300))
        #expect(after.map(\.kind) == [.gap] && after[0].from == t0 + 200 && after[0].to == t0 + 300)
        // Before any recording: one gap.
        let before = try index.coverage(camera: "c", from: t0.addingTimeInterval(-50), to: t0.addingTimeInterval(-10))
        #expect(before.count == 1 && before[0].kind == .gap)
        // Seek: the keyframe at or before a time.
        #expect(try index.keyframe(camera: "c", atOrBefore: t0.addingTimeInterval(33.9))?.seconds == 32)
    }
}
