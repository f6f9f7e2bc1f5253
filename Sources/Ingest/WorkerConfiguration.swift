public import MediaIO

/// How a worker connects, records and reconnects.
public struct WorkerConfiguration: Sendable {
    /// Open and read deadlines; RTSP over TCP.
    public var demux = DemuxOptions()
    /// Where this camera's segments go.
    public var segmentDirectory: String
    /// Segment length: a new segment starts at the first keyframe after this many seconds.
    public var segmentDuration: Double = 60
    /// Reconnect waits.
    public var backoff = Backoff()
    /// A connection that streamed for less than this many seconds counts as short; after `flappingAfter` short ones
    /// in a row a connection that streams no longer resets the backoff (see `ReconnectPolicy`).
    public var healthyAfter: Double = 5
    public var flappingAfter = 3
    /// Where keyframes go for analysis (decoded on a shared pool); nil for recording and indexing only.
    public var analysis: (any KeyframeAnalysisQueue)?
    /// Shared with the other workers of a supervisor to bound simultaneous connects; nil for no bound.
    public var connectLimiter: ConnectLimiter?

    public init(segmentDirectory: String) {
        self.segmentDirectory = segmentDirectory
    }

    /// The reconnect rules these settings describe.
    var reconnectPolicy: ReconnectPolicy {
        ReconnectPolicy(backoff: backoff, healthyAfter: healthyAfter, flappingAfter: flappingAfter)
    }
}
