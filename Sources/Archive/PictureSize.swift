public import Foundation
internal import GRDB

/// A picture's size in pixels, as a camera last delivered it.
public struct PictureSize: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// 1080p or better (the "HD rate" of the field's assessments): the shorter side at least 1080 pixels, so a corridor
    /// camera's 1080×1920 counts as a 1920×1080 one does.
    public var isHD: Bool { min(width, height) >= 1080 }
}

extension RecordingIndex {
    /// The size of a camera's newest analysed keyframe recorded between two times (sizes are stored with the
    /// statistics). One row, read backwards along the index of analysed keyframes.
    public func pictureSize(camera: String, from: Date, to: Date) throws -> PictureSize? {
        try store.read("find a recorded picture size") { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT width, height FROM recorded_keyframe
                    WHERE camera = ? AND wall_time >= ? AND wall_time < ? AND mean_luma IS NOT NULL
                    ORDER BY wall_time DESC LIMIT 1
                    """,
                arguments: [camera, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map { PictureSize(width: $0["width"], height: $0["height"]) }
        }
    }
}

extension PatrolVisitLog {
    /// The picture size of a camera's latest visit between two times that reached its stream.
    public func pictureSize(camera: String, from: Date, to: Date) throws -> PictureSize? {
        try store.read("find a visited picture size") { db in
            let text = try String.fetchOne(
                db,
                sql: """
                    SELECT stream FROM patrol_visit WHERE camera = ? AND started_at >= ? AND started_at < ?
                    AND stream IS NOT NULL ORDER BY started_at DESC, rowid DESC LIMIT 1
                    """,
                arguments: [camera, from.timeIntervalSince1970, to.timeIntervalSince1970])
            guard let text else { return nil }
            let facts = try JSONDecoder().decode(StreamFacts.self, from: Data(text.utf8))
            return facts.width > 0 && facts.height > 0 ? PictureSize(width: facts.width, height: facts.height) : nil
        }
    }
}
