public import Foundation
public import MediaIO

/// What one patrol visit found: whether the camera answered, the keyframes it analysed, and the stream's facts.
public struct PatrolVisit: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        /// Connected and analysed at least one keyframe.
        case ok
        /// Could not connect, or was refused (see `reason`).
        case unreachable
        /// Connected, but no keyframe came (or none decoded) before the visit's deadline.
        case noKeyframe
    }

    public var camera: String
    public var startedAt: Date
    /// Seconds from the start of the connection to its end.
    public var duration: Double
    public var outcome: Outcome
    /// Why it was not `ok`: a health reason ("refused", "unauthorised", "timeout", …; the archive keeps text, as it
    /// does not import Ingest, which types it).
    public var reason: String?
    /// The statistics of each keyframe analysed, in order.
    public var keyframes: [FrameStats]
    public var stream: StreamFacts?

    public init(
        camera: String, startedAt: Date, duration: Double, outcome: Outcome, reason: String? = nil,
        keyframes: [FrameStats] = [], stream: StreamFacts? = nil
    ) {
        self.camera = camera
        self.startedAt = startedAt
        self.duration = duration
        self.outcome = outcome
        self.reason = reason
        self.keyframes = keyframes
        self.stream = stream
    }
}

/// A patrol camera's latest visit in brief, what a map colours the camera by: when, and what came of it.
public struct PatrolVisitBrief: Sendable, Codable, Equatable {
    /// The camera's ID.
    public var camera: String
    /// When the visit began.
    public var startedAt: Date
    /// Whether it reached the camera and analysed a keyframe.
    public var outcome: PatrolVisit.Outcome
    /// Why it was not `ok` (a health reason).
    public var reason: String?

    public init(camera: String, startedAt: Date, outcome: PatrolVisit.Outcome, reason: String? = nil) {
        self.camera = camera
        self.startedAt = startedAt
        self.outcome = outcome
        self.reason = reason
    }
}

/// A stream's conformance facts, measured from the packets between its first and last keyframe.
public struct StreamFacts: Sendable, Codable, Equatable {
    /// FFmpeg's codec name ("h264", "hevc").
    public var codec: String
    public var width: Int
    public var height: Int
    /// Frames per second delivered: frames between the first and last keyframe over the time between them.
    public var frameRate: Double?
    /// Frames per second the stream's headers declare (H.264 SPS / HEVC VUI timing); nil when they declare none.
    public var declaredFrameRate: Double?
    /// Seconds between keyframes (mean); when only one keyframe came, the time waited after it, and `gopAtLeast`.
    public var gop: Double?
    /// `gop` is a lower bound: the next keyframe did not come before the visit ended.
    public var gopAtLeast: Bool
    /// Bits per second between the first and last keyframe.
    public var bitrate: Double?
    /// Seconds the camera's clock is ahead of the gateway's (negative: behind): the camera's time of a keyframe less
    /// the gateway's time of its arrival (median over the keyframes). RTSP: from its RTCP sender reports, so it
    /// includes the camera's encoding and network delay, well under a second on a working network; nil when no sender
    /// report came while it was read. GB/T 28181: its device's DeviceStatus time, pinned to the stream at its first
    /// frame's arrival (no delay in it); nil before the device has told its time.
    public var clockOffset: Double?
    /// RTP packets that never came while the stream was read (RTSP, GB/T 28181); nil for streams not carried over RTP.
    public var packetsLost: Int?

    public init(
        codec: String, width: Int, height: Int, frameRate: Double? = nil, declaredFrameRate: Double? = nil,
        gop: Double? = nil, gopAtLeast: Bool = false, bitrate: Double? = nil, clockOffset: Double? = nil,
        packetsLost: Int? = nil
    ) {
        self.codec = codec
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.declaredFrameRate = declaredFrameRate
        self.gop = gop
        self.gopAtLeast = gopAtLeast
        self.bitrate = bitrate
        self.clockOffset = clockOffset
        self.packetsLost = packetsLost
    }
}
