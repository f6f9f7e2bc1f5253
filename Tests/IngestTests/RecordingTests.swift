import Foundation
import Ingest
import MediaIO
import TestSupport
import Testing

/// Stream copy into MPEG-TS segments through the timestamp sanitiser, checked with ffprobe and ffmpeg.
@Suite("Recording into segments")
struct RecordingTests {
    struct Written {
        var segments: [String]
        var keyframes: [(segment: String, offset: Int64)]
        var discontinuities: [TimestampDiscontinuity]
    }

    /// Records `path` `passes` times in a row into segments of `seconds`, as a camera restarting its stream would.
    static func record(_ path: String, passes: Int = 1, seconds: Double, into directory: String) throws -> Written {
        let first = try Demuxer(source: .file(path: path))
        let writer = try SegmentWriter(recording: first, directory: directory, maximumDuration: seconds) {
            String(format: "segment-%06d.ts", $0)
        }
        var sanitiser = TimestampSanitiser(timeBase: first.videoTimeBase, anchor: Date())
        var written = Written(segments: [], keyframes: [], discontinuities: [])
        var arrival: UInt64 = 1_000_000_000
        for pass in 0..<passes {
            let demuxer = pass == 0 ? first : try Demuxer(source: .file(path: path))
            let packet = MediaPacket()
            while try demuxer.readVideoPacket(into: packet) {
                arrival += 40_000_000
                let placed = sanitiser.place(dts: packet.dts, pts: packet.pts, duration: packet.duration, arrival: arrival)
                guard let unit = try writer.write(packet, dts: placed.dts, pts: placed.pts) else { continue }
                if unit.openedSegment { written.segments.append(unit.segment) }
                if packet.isKeyframe { written.keyframes.append((unit.segment, unit.byteOffset)) }
            }
        }
        try writer.finishSegment()
        written.discontinuities = sanitiser.discontinuities
        return written
    }

    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-rec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(
        "segments start on keyframes, decode cleanly, and the recorded offsets lead to each keyframe",
        arguments: [
            Fixtures.KeyframeCase(codec: .h264, container: .mp4, gop: .fixed25),
            Fixtures.KeyframeCase(codec: .hevc, container: .ts, gop: .fixed50),
            Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .sceneCuts),
        ])
    func segments(_ testCase: Fixtures.KeyframeCase) throws {
        let source = try Fixtures.file(testCase)
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let written = try Self.record(source, seconds: 2, into: directory)
        let sourceKeyframes = try Oracles.keyPackets(source)
        #expect(written.segments.count >= 3)
        #expect(written.keyframes.count == sourceKeyframes.count)
        var recordedByteOffsets = written.keyframes[...]
        for segment in written.segments {
            let keyframes = try Oracles.keyPackets(segment)
            let all = try ProcessRunner.check(
                "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0", segment])
            #expect(all.hasPrefix("K"), "\(segment) must start with a keyframe")
            let decode = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-i", segment, "-f", "null", "-"])
            #expect(decode.status == 0 && decode.standardError.isEmpty, "\(segment): \(decode.standardError)")
            for keyframe in keyframes {
                let next = recordedByteOffsets.popFirst()
                let recorded = try #require(next)
                #expect(recorded.segment == segment)
                let position = try #require(keyframe.position)
                #expect(
                    recorded.offset <= position && position - recorded.offset < 4 * 188,
                    "offset \(recorded.offset), ffprobe \(position)")
            }
        }
        #expect(recordedByteOffsets.isEmpty)
    }

    @Test("a stream that restarts with timestamps at zero stays monotonic across segments, with one discontinuity")
    func restartKeepsTimelineMonotonic() throws {
        let source = try Fixtures.file(Fixtures.KeyframeCase(codec: .h264, container: .ts, gop: .fixed25))
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let written = try Self.record(source, passes: 2, seconds: 3, into: directory)
        #expect(written.discontinuities.map(\.kind) == [.reset])
        var previous = -Double.infinity
        for segment in written.segments {
            let times = try ProcessRunner.check(
                "ffprobe",
                ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=dts_time", "-of", "csv=p=0", segment]
            ).split(separator: "\n").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
            for time in times {
                #expect(time > previous, "\(segment): \(time) after \(previous)")
                previous = time
            }
        }
        #expect(written.keyframes.count == 2 * (try Oracles.keyPackets(source)).count)
    }
}
