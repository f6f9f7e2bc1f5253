public import Foundation
internal import GRDB
public import MediaIO

extension RecordingIndex {
    /// A camera's analysed keyframes between two times, oldest first, with their statistics in full (thumbnails too,
    /// which keyframe pages leave out): what the detectors saw, for `skygate diagnose replay`.
    public func analysedKeyframes(camera: String, from: Date, to: Date) throws -> [RecordedKeyframe] {
        try store.read("query analysed keyframes") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.keyframeColumns), thumbnail FROM recorded_keyframe
                    WHERE camera = ? AND wall_time >= ? AND wall_time < ? AND mean_luma IS NOT NULL
                    ORDER BY wall_time, seconds
                    """,
                arguments: [camera, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map { row in
                var keyframe = Self.keyframe(from: row)
                let data: Data? = row[Self.keyframeColumnCount]
                keyframe.stats?.thumbnail = data.map(Self.thumbnail(from:)) ?? []
                return keyframe
            }
        }
    }

    /// A thumbnail as stored: its Float32 values, little-endian; nil for none.
    static func thumbnailData(_ thumbnail: [Float]) -> Data? {
        guard !thumbnail.isEmpty else { return nil }
        var data = Data(capacity: thumbnail.count * 4)
        for value in thumbnail { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func thumbnail(from data: Data) -> [Float] {
        stride(from: 0, to: data.count - 3, by: 4).map { offset in
            let bits = data[data.startIndex + offset..<data.startIndex + offset + 4].enumerated().reduce(UInt32(0)) {
                $0 | UInt32($1.element) << (8 * UInt32($1.offset))
            }
            return Float(bitPattern: bits)
        }
    }
}
