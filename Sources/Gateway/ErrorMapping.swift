import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The errors no module owns: a body that does not decode is a 400; anything unexpected is a 500 whose details go to
/// the log, not to the caller. The modules' own errors answer for themselves (`ModuleErrors+HTTP.swift`).
struct ErrorMapping: RouterMiddleware {
    typealias Context = GatewayContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.body == nil {
            // A bare error from Hummingbird itself (no route, a `..` in a file path): JSON like every other answer,
            // as the OpenAPI document says.
            throw HTTPError(error.status, headers: error.headers, message: error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, message: "the request body is not valid: \(describe(error))")
        } catch {
            throw internalError(error, context)
        }
    }

    private func internalError(_ error: any Error, _ context: Context) -> HTTPError {
        context.logger.error("request failed: \(error)")
        return HTTPError.internalError
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
