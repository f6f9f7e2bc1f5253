/// The one error type of MediaIO: what went wrong, a message an operator can act on, and the FFmpeg cause.
public struct MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; callers branch on it (the CLI maps it to an exit code, the gateway to HTTP).
    public enum Code: String, Sendable, Equatable {
        /// The URL's scheme or form is not allowed for a camera stream.
        case refusedURL
        /// A local path that does not exist or cannot be read.
        case fileNotFound
        /// The input could be opened but is not a media file FFmpeg understands, or is damaged.
        case invalidData
        /// Opening the input failed for another reason (network, protocol, permissions).
        case openFailed
        /// The deadline of an open, read or close passed.
        case timeout
        /// The caller aborted the operation.
        case aborted
        /// The input has no video stream.
        case noVideoStream
        /// The codec is not one Skygate decodes.
        case unsupportedCodec
        /// The decoder produces a pixel format the statistics cannot read.
        case unsupportedPixelFormat
        /// Reading packets failed after the input was opened.
        case readFailed
        /// The decoder failed in a way that is not a damaged packet.
        case decodeFailed
        /// Writing a recording or clip failed (disk full, permissions, a removed directory).
        case writeFailed
    }

    /// The kind of failure.
    public let code: Code
    /// One line for an operator: what failed, on what, and why.
    public let message: String
    /// The AVERROR code behind it, when FFmpeg reported one.
    public let averror: Int32?

    /// Creates an error; `averror` is the FFmpeg code behind it, if any.
    public init(_ code: Code, _ message: String, averror: Int32? = nil) {
        self.code = code
        self.message = message
        self.averror = averror
    }

    public var description: String { message }
}
