import Archive
import Foundation

/// Fills a data directory's keyframe index with HOURS of one camera's recording for tools/bench/playback: a keyframe
/// every GOP seconds ending now, in 30-second segments whose files exist (sparse, 100 KB a GOP) so that playlists can
/// size the last GOP of each, written through `RecordingIndex` as ingest writes them.
///
///     playback-seed DATA_DIR CAMERA HOURS [GOP]
let arguments = CommandLine.arguments
guard arguments.count >= 4, let hours = Double(arguments[3]), hours > 0 else {
    FileHandle.standardError.write(Data("usage: playback-seed DATA_DIR CAMERA HOURS [GOP]\n".utf8))
    exit(64)
}
let (directory, camera) = (arguments[1], arguments[2])
let gop = arguments.count > 4 ? Double(arguments[4]) ?? 1 : 1
let bytesPerGOP: Int64 = 100_000
let gopsPerSegment = max(1, Int((30 / gop).rounded()))
let total = Int(hours * 3600 / gop)
let segments = directory + "/segments/\(camera)"
try FileManager.default.createDirectory(atPath: segments, withIntermediateDirectories: true)
let index = RecordingIndex(store: try ArchiveDatabase(path: directory + "/archive.sqlite"))
let start = Date().addingTimeInterval(-Double(total) * gop)
var batch: [RecordedKeyframe] = []
for number in 0..<total {
    let segmentNumber = number / gopsPerSegment
    let segment = segments + String(format: "/%013d-%06d.ts", Int64(start.timeIntervalSince1970 * 1000), segmentNumber + 1)
    if number % gopsPerSegment == 0 {
        _ = FileManager.default.createFile(atPath: segment, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: segment))
        try handle.truncate(atOffset: UInt64(bytesPerGOP) * UInt64(gopsPerSegment))
        try handle.close()
    }
    let seconds = Double(number) * gop
    batch.append(
        RecordedKeyframe(
            camera: camera, wallClock: start.addingTimeInterval(seconds), seconds: seconds, segment: segment,
            byteOffset: Int64(number % gopsPerSegment) * bytesPerGOP, size: 20_000))
    if batch.count == 5_000 {
        try index.append(batch)
        batch.removeAll(keepingCapacity: true)
    }
}
try index.append(batch)
let segmentCount = (total + gopsPerSegment - 1) / gopsPerSegment
print("playback-seed: \(total) keyframes of \(camera) over \(hours) h in \(segmentCount) segments")
