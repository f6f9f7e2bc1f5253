public import Archive
public import Foundation

/// What a camera worker reports, on its own thread.
public enum WorkerEvent: Sendable {
    case health(HealthTransition)
    /// A connection opened, carried by `transport` ("tcp", "udp", … for RTSP; nil when the URL's scheme has one way).
    case connected(camera: String, transport: String?)
    case discontinuity(camera: String, TimestampDiscontinuity)
    /// A keyframe was recorded: where it is on the timeline and on disk.
    case keyframe(RecordedKeyframe)
    case segmentOpened(camera: String, path: String)
    /// About once a second while streaming: bytes and video frames received over the `seconds` that ended `at`.
    case throughput(camera: String, bytes: Int, frames: Int, seconds: Double, at: Date)
    /// RTP packets lost and frames dropped since the last report (sources that count them).
    case reception(camera: String, packetsLost: Int, framesDropped: Int)
    /// At a keyframe, once the camera has told its clock (RTCP sender reports): seconds it is ahead of the gateway's,
    /// as measured `at`.
    case clockOffset(camera: String, seconds: Double, at: Date)
}
