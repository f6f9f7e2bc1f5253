import Foundation

/// What FFmpeg's own tools say about a file: the reference every Skygate result is checked against.
public enum Oracles {
    /// A packet as ffprobe lists it.
    public struct ProbedPacket: Equatable, Sendable, CustomStringConvertible {
        public var pts: Int64?
        public var dts: Int64?
        public var position: Int64?
        public var size: Int
        public init(pts: Int64?, dts: Int64?, position: Int64?, size: Int) {
            self.pts = pts
            self.dts = dts
            self.position = position
            self.size = size
        }
        public var description: String {
            "pts \(pts.map(String.init) ?? "N/A") pos \(position.map(String.init) ?? "N/A") size \(size)"
        }
    }

    /// The K-flagged packets of the first video stream, from `ffprobe -show_packets`.
    public static func keyPackets(_ path: String) throws -> [ProbedPacket] {
        let output = try ProcessRunner.check(
            "ffprobe",
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,dts,pos,size,flags", "-of", "csv=p=0", path])
        return output.split(separator: "\n").compactMap { line in
            // Fields come in ffprobe's order: pts, dts, size, pos, flags.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5, fields[4].hasPrefix("K") else { return nil }
            return ProbedPacket(
                pts: Int64(fields[0]), dts: Int64(fields[1]), position: Int64(fields[3]), size: Int(fields[2]) ?? -1)
        }
    }

    /// Per decoded keyframe, the `lavfi.*` metadata a filter chain prints, keyed by the frame's pts_time
    /// (milliseconds). Decodes keyframes only, as Skygate does.
    public static func keyframeFilterMetadata(_ path: String, filters: String) throws -> [Int: [String: Double]] {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-meta-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        try ProcessRunner.check(
            "ffmpeg",
            [
                "-nostdin", "-v", "error", "-skip_frame", "nokey", "-i", path, "-fps_mode", "passthrough",
                "-vf", "\(filters),metadata=mode=print:file=\(output)", "-f", "null", "-",
            ])
        var result: [Int: [String: Double]] = [:]
        var current: Int? = nil
        for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n") {
            if line.hasPrefix("frame:") {
                let time = line.split(separator: " ").first { $0.hasPrefix("pts_time:") }.flatMap { Double($0.dropFirst(9)) }
                current = time.map { Int(($0 * 1000).rounded()) }
                if let current { result[current] = [:] }
            } else if let current, let equals = line.firstIndex(of: "=") {
                result[current]?[String(line[..<equals])] = Double(line[line.index(after: equals)...])
            }
        }
        return result
    }

    /// MD5 of each decoded keyframe's pixels, in order (`-f framemd5`).
    public static func keyframeMD5s(_ path: String) throws -> [String] {
        let output = try ProcessRunner.check(
            "ffmpeg",
            ["-nostdin", "-v", "error", "-skip_frame", "nokey", "-i", path, "-fps_mode", "passthrough", "-f", "framemd5", "-"])
        return output.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap {
            $0.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }
}
