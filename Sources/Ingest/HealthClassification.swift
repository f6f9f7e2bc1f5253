import MediaIO

extension CameraWorker {
    /// The state and reason an error means: a read timeout while streaming is a stall, anything else is offline.
    /// Refusals are told apart by their AVERROR code (`MediaError.serverRefusal`), never by the message, which holds
    /// the URL: a camera on port 4040 that refuses the connection is `refused`, not `notFound`.
    static func classify(_ error: MediaError, wasStreaming: Bool) -> (HealthState, HealthReason) {
        switch error.serverRefusal {
        case .unauthorised?, .forbidden?: return (.offline, .unauthorised)
        case .notFound?: return (.offline, .notFound)
        case .badRequest?, .otherClientError?, .serverError?, .unsupportedTransport?, nil: break
        }
        switch error.code {
        case .timeout: return wasStreaming ? (.stalled, .noData) : (.offline, .timeout)
        case .refusedURL: return (.offline, .refusedURL)
        case .writeFailed: return (.offline, .recordingFailed)
        case .noVideoStream: return (.offline, .noVideoStream)
        case .readFailed, .decodeFailed, .invalidData, .unsupportedCodec, .unsupportedPixelFormat: return (.offline, .readError)
        case .openFailed, .fileNotFound, .aborted: return (.offline, .refused)
        }
    }
}
