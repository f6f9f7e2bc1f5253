public import Access
public import Archive
public import CameraRegistry
public import Events
public import Geo
public import HTTPTypes
public import Hummingbird
import Logging
public import MediaIO

/// A module's error as the API answers it. Each error type states its own status here, beside its code, instead of a
/// chain of `catch let` in a middleware; the conformances live in Gateway because only the gateway speaks HTTP.
protocol APIError: HTTPResponseError, CustomStringConvertible {
    /// What the caller is told; for a 500, nothing of it leaves the process.
    var messageForCaller: String { get }
}

extension APIError {
    /// The error as JSON with its status. A 500 logs the details and tells the caller only where to look: SQLite
    /// paths and driver messages are not for API callers.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        guard status != .internalServerError else {
            context.logger.error("request failed: \(self)")
            return try HTTPError.internalError.response(from: request, context: context)
        }
        return try HTTPError(status, message: messageForCaller).response(from: request, context: context)
    }
}

extension HTTPError {
    /// What a caller is told of a failure that is not theirs: SQLite paths and driver messages stay in the log.
    static let internalError = HTTPError(.internalServerError, message: "internal error; the gateway's log has the details")
}

extension RegistryError: HTTPResponseError, APIError {
    public var status: HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .invalid, .importRejected: .unprocessableContent
        case .storeFailed: .internalServerError
        }
    }

    var messageForCaller: String { ([message] + problems.prefix(20).map(\.description)).joined(separator: "; ") }
}

extension GeoError: HTTPResponseError, APIError {
    public var status: HTTPResponse.Status { .unprocessableContent }
    var messageForCaller: String { message }
}

extension ArchiveError: HTTPResponseError, APIError {
    public var status: HTTPResponse.Status {
        switch code {
        case .notRecorded, .unknownSource: .notFound
        case .storeUnavailable, .storeFailed, .clipFailed: .internalServerError
        }
    }

    var messageForCaller: String { message }
}

extension MediaError: HTTPResponseError, APIError {
    public var status: HTTPResponse.Status { code == .refusedURL ? .unprocessableContent : .internalServerError }
    var messageForCaller: String { message }
}

extension EventsError: HTTPResponseError, APIError {
    public var status: HTTPResponse.Status { code == .invalidConfiguration ? .unprocessableContent : .internalServerError }
    var messageForCaller: String { message }
}

extension AccessError: HTTPResponseError, APIError {
    public var status: HTTPResponse.Status { code == .invalid ? .unprocessableContent : .internalServerError }
    var messageForCaller: String { description }
}
