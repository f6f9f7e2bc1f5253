public import Foundation
public import MediaIO

/// A camera as the running service sees it: what `skygate status` shows.
public struct CameraStatus: Sendable, Codable, Equatable {
    public var camera: String
    public var state: HealthState
    public var reason: HealthReason?
    /// The last error, credentials redacted.
    public var detail: String?
    /// When the camera entered its current state.
    public var since: Date
    /// Received video bitrate (bits/s) and frame rate over the last second or so, while streaming.
    public var bitrate: Double?
    public var frameRate: Double?
    /// Frames per second the stream's headers declare (SPS/VUI timing), from the latest analysed keyframe.
    public var declaredFrameRate: Double?
    /// Seconds the camera's clock is ahead of the gateway's (negative: behind), from its RTCP sender reports: the median
    /// over the connection's first 9 keyframes, held while it streams (`SenderClockMeter.isSettled`); nil before.
    public var clockOffset: Double?
    /// Seconds between the last two keyframes.
    public var gop: Double?
    public var lastKeyframe: Date?
    /// Keyframes recorded since the service started.
    public var keyframes = 0
    /// Connections that ended or failed after streaming, since the service started.
    public var reconnects = 0
    public var discontinuities = 0
    /// Keyframe analysis counts (skipped: analysis was behind; the keyframes were still recorded and indexed).
    public var analysis = AnalysisCounts()
    /// Statistics of the last analysed keyframe.
    public var lastStats: FrameStats?
    /// The wall time of that keyframe: `lastKeyframe` minus this is how far analysis lags behind recording.
    public var lastAnalysedKeyframe: Date?
    /// Seconds from that keyframe (before the first, from when the camera began streaming) to when this status was
    /// made, while streaming with analysis on: how old the newest analysed picture is.
    public var analysisAge: Double?
    /// The segment being written.
    public var segment: String?
    /// How its video is carried, where the scheme allows more than one way: "tcp" or "udp" for RTSP (UDP when pinned,
    /// or when the camera refused TCP).
    public var transport: String?
    /// RTP packets lost and whole frames dropped since the service started, for sources that receive RTP themselves
    /// (GB/T 28181 channels; FFmpeg's RTSP reports neither).
    public var packetsLost = 0
    public var framesDropped = 0

    public init(camera: String, state: HealthState, since: Date) {
        self.camera = camera
        self.state = state
        self.since = since
    }
}

/// The service as a whole.
public struct ServiceStatus: Sendable, Codable, Equatable {
    public var processID: Int32
    public var startedAt: Date
    /// When this status was published; a status older than a few seconds means the service is not running.
    public var updatedAt: Date
    public var cameras: Int
    public var streaming: Int
    /// Set while recording cannot be written (disk full, permissions); the message says what failed.
    public var storageAlarm: String?
    /// Bytes of recorded segments kept, and removed by retention since the service started.
    public var recordedBytes: Int64
    public var removedBytes: Int64
    /// Whether the service stopped cleanly (segments closed, index flushed); set in its last publication.
    public var stopped: Bool
    /// Keyframe analysis against its interval; nil with analysis off.
    public var analysis: AnalysisBudgetStatus?
    /// In a fleet, the grids this gateway owns and records; nil on its own (every camera in record mode).
    public var sharedGrids: [String]? = nil
}
