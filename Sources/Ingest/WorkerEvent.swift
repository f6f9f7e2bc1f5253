import Foundation

/// What a camera worker reports, on its own thread.
public enum WorkerEvent: Sendable {
    case health(HealthTransition)
    case discontinuity(camera: String, TimestampDiscontinuity)
    /// A keyframe was recorded: where it is on the timeline and on disk.
    case keyframe(RecordedKeyframe)
    case segmentOpened(camera: String, path: String)
    /// About once a second while streaming: bytes and video frames received since the last report.
    case throughput(camera: String, bytes: Int, frames: Int, seconds: Double)
}

/// A keyframe as recording placed it.
public struct RecordedKeyframe: Sendable, Equatable {
    public var camera: String
    /// Seconds on the camera's timeline, and the wall-clock time it corresponds to.
    public var seconds: Double
    public var wallClock: Date
    public var segment: String
    public var byteOffset: Int64
    public var size: Int
}
