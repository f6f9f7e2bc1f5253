internal import CFFmpeg

/// How a camera's server refused a request, as FFmpeg reports it: its RTSP and HTTP clients turn a 4xx or 5xx status
/// into one of the `AVERROR_HTTP_*` codes. Read from the code, never from the message, which holds the URL (a camera
/// on port 4040 or at path `/401` must not read as a refusal).
public enum ServerRefusal: Sendable, Equatable {
    /// 400.
    case badRequest
    /// 401: credentials missing or refused.
    case unauthorised
    /// 403.
    case forbidden
    /// 404: no such stream.
    case notFound
    /// Another 4xx status.
    case otherClientError
    /// A 5xx status.
    case serverError
    /// 461 Unsupported Transport: the RTSP server does not offer the transport asked for (many older cameras,
    /// encoders and VLC offer RTP over UDP only). FFmpeg's RTSP client reports it as `EPROTONOSUPPORT` once none of
    /// the transports it was allowed is left.
    case unsupportedTransport

    /// The refusal an AVERROR code stands for, or nil if it is not one.
    init?(averror: Int32) {
        switch averror {
        case CFFmpeg_AVERROR_HTTP_BAD_REQUEST(): self = .badRequest
        case CFFmpeg_AVERROR_HTTP_UNAUTHORIZED(): self = .unauthorised
        case CFFmpeg_AVERROR_HTTP_FORBIDDEN(): self = .forbidden
        case CFFmpeg_AVERROR_HTTP_NOT_FOUND(): self = .notFound
        case CFFmpeg_AVERROR_HTTP_OTHER_4XX(): self = .otherClientError
        case CFFmpeg_AVERROR_HTTP_SERVER_ERROR(): self = .serverError
        case CFFmpeg_AVERROR(EPROTONOSUPPORT): self = .unsupportedTransport
        default: return nil
        }
    }
}

extension MediaError {
    /// The server's refusal behind this error, when the AVERROR code says there was one.
    public var serverRefusal: ServerRefusal? { averror.flatMap(ServerRefusal.init(averror:)) }

    /// For tests of code that branches on a refusal: an error as FFmpeg's RTSP client reports that refusal.
    public static func refused(_ refusal: ServerRefusal, _ message: String) -> MediaError {
        let code: Int32
        switch refusal {
        case .badRequest: code = CFFmpeg_AVERROR_HTTP_BAD_REQUEST()
        case .unauthorised: code = CFFmpeg_AVERROR_HTTP_UNAUTHORIZED()
        case .forbidden: code = CFFmpeg_AVERROR_HTTP_FORBIDDEN()
        case .notFound: code = CFFmpeg_AVERROR_HTTP_NOT_FOUND()
        case .otherClientError: code = CFFmpeg_AVERROR_HTTP_OTHER_4XX()
        case .serverError: code = CFFmpeg_AVERROR_HTTP_SERVER_ERROR()
        case .unsupportedTransport: code = CFFmpeg_AVERROR(EPROTONOSUPPORT)
        }
        return MediaError(.openFailed, message, averror: code)
    }
}
