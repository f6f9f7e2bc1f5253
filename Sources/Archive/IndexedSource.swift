public import MediaIO

/// One indexed input: a file or stream whose keyframes are in the index.
public struct IndexedSource: Sendable, Codable, Equatable {
    /// Row ID in the index.
    public var id: Int64
    /// The path or URL, credentials redacted.
    public var locator: String
    /// "indexing" while rows are being written, "complete" once the whole input was read.
    public var state: String
    public var format: String
    public var codec: String
    public var width: Int?
    public var height: Int?
    public var timeBase: Rational
    public var duration: Double?
    public var keyframeCount: Int
    /// Whether keyframe statistics were computed.
    public var analyzed: Bool
    /// ISO 8601 times of the start and end of indexing.
    public var startedAt: String
    public var finishedAt: String?
}

/// One keyframe row of the index.
public struct IndexedKeyframe: Sendable, Codable, Equatable {
    public var sourceID: Int64
    /// Order of the keyframe within its source.
    public var sequence: Int
    public var pts: Int64?
    public var dts: Int64?
    /// Seconds on the stream's timeline (`pts × time base`).
    public var seconds: Double
    public var position: Int64?
    public var size: Int
    public var stats: FrameStats?
}
