/// A time base or frame rate as FFmpeg keeps it: a fraction.
public struct Rational: Sendable, Hashable, Codable, CustomStringConvertible {
    public var numerator: Int32
    public var denominator: Int32

    public init(_ numerator: Int32, _ denominator: Int32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The value as a double; 0 when the denominator is 0 (FFmpeg's "unknown").
    public var value: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }

    public var description: String { "\(numerator)/\(denominator)" }
}

/// One stream of an input, as a value that may cross threads.
public struct StreamDescription: Sendable, Codable, Equatable {
    public var index: Int
    /// "video", "audio", "data", "subtitle" or "attachment".
    public var kind: String
    /// FFmpeg's short codec name ("h264", "hevc", "aac").
    public var codec: String
    public var profile: String?
    public var timeBase: Rational
    public var width: Int?
    public var height: Int?
    public var pixelFormat: String?
    /// Average frame rate in frames per second, when the container or probe knows it.
    public var frameRate: Double?
    public var bitRate: Int?
    public var sampleRate: Int?
    public var channels: Int?
    /// Frames the container declares for the stream (MP4 knows; MPEG-TS does not).
    public var declaredFrames: Int?
}

/// What an opened input contains.
public struct MediaDescription: Sendable, Codable, Equatable {
    /// The source's locator: a file's absolute path, or the URL with credentials redacted.
    public var source: String
    /// The demuxer's name ("mov,mp4,m4a,3gp,3g2,mj2", "mpegts", "rtsp").
    public var format: String
    /// Duration in seconds, when known.
    public var duration: Double?
    public var bitRate: Int?
    public var streams: [StreamDescription]
    /// Index of the video stream Skygate reads (FFmpeg's best video stream).
    public var videoStreamIndex: Int

    /// The stream Skygate reads.
    public var videoStream: StreamDescription { streams[videoStreamIndex] }
}
