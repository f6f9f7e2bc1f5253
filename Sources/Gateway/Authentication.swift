import Access
import Foundation
import HTTPTypes
import Hummingbird

/// Authenticates `Authorization: Bearer sgt_…` against the access store (which keeps only the tokens' hashes).
/// A missing, unknown or revoked token is 401 before any route runs; the route then checks the role.
struct BearerAuthentication: RouterMiddleware {
    typealias Context = GatewayContext
    let access: AccessStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw Self.unauthorized("this API needs a bearer token: send 'Authorization: Bearer <token>'")
        }
        let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let record = try await blocking({ [access] in try access.authenticate(token) }) else {
            throw Self.unauthorized("the token is unknown or revoked")
        }
        var context = context
        context.caller = record
        return try await next(request, context)
    }

    static func unauthorized(_ message: String) -> HTTPError {
        HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"skygate\""], message: message)
    }
}

extension GatewayContext {
    /// Refuses the request (403) unless its token's role is at least `role`.
    func require(_ role: Role) throws {
        guard let caller else { throw BearerAuthentication.unauthorized("this API needs a bearer token") }
        guard caller.role >= role else {
            throw HTTPError(
                .forbidden, message: "this needs the \(role.rawValue) role; the token '\(caller.name)' is \(caller.role.rawValue)"
            )
        }
    }
}

extension RouterGroup where Context == GatewayContext {
    /// A route that only tokens of at least `role` may call; every API route is declared through this, so none can
    /// forget its check.
    @discardableResult
    func on<Output: ResponseGenerator>(
        _ path: RouterPath, _ method: HTTPRequest.Method, role: Role,
        use handler: @Sendable @escaping (Request, GatewayContext) async throws -> Output
    ) -> Self {
        on(path, method: method) { request, context in
            try context.require(role)
            return try await handler(request, context)
        }
    }
}
