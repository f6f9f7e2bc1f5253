import Access
import Archive
import CameraRegistry
import Events
import Foundation
import Geo
import HTTPTypes
import Hummingbird
import MediaIO

/// Maps each module's error to an HTTP status with its actionable message: only the gateway speaks HTTP. Anything
/// unexpected is a 500 whose details go to the log, not to the caller.
struct ErrorMapping: RouterMiddleware {
    typealias Context = GatewayContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError {
            throw error
        } catch let error as RegistryError {
            switch error.code {
            case .notFound: throw HTTPError(.notFound, message: error.message)
            case .invalid, .importRejected:
                throw HTTPError(
                    .unprocessableContent,
                    message: ([error.message] + error.problems.prefix(20).map(\.description)).joined(separator: "; "))
            case .storeFailed: throw internalError(error, context)
            }
        } catch let error as GeoError {
            throw HTTPError(.unprocessableContent, message: "\(error)")
        } catch let error as ArchiveError where error.code == .notRecorded {
            throw HTTPError(.notFound, message: error.message)
        } catch let error as MediaError where error.code == .refusedURL {
            throw HTTPError(.unprocessableContent, message: error.message)
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, message: "the request body is not valid: \(describe(error))")
        } catch {
            throw internalError(error, context)
        }
    }

    private func internalError(_ error: any Error, _ context: Context) -> HTTPError {
        context.logger.error("request failed: \(error)")
        return HTTPError(.internalServerError, message: "internal error; the gateway's log has the details")
    }

    private func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return path(context).isEmpty ? context.debugDescription : "field '\(path(context))': \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
