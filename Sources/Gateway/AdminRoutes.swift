import Access
import Archive
import Events
import Foundation
import HTTPTypes
import Hummingbird

/// A new token as the API returns it: the token itself appears in this one response and never again.
struct CreatedToken: Codable, Sendable {
    var token: String
    var record: TokenRecord
}

struct TokenInput: Decodable, Sendable {
    var name: String
    var role: Role
}

extension GatewayServices {
    func addAdminRoutes(to api: RouterGroup<GatewayContext>) {
        let access = self.access
        api.on("tokens", .get, role: .admin) { _, _ in
            JSONResponse(try await blocking { try access.tokens() })
        }
        api.on("tokens", .post, role: .admin) { request, context in
            let input = try await request.decode(as: TokenInput.self, context: context)
            let (actor, source) = (context.actor, context.source)
            let created = try await blocking {
                do {
                    return try access.createToken(name: input.name, role: input.role, actor: actor, source: source)
                } catch let error as AccessError where error.code == .invalid {
                    throw HTTPError(.unprocessableContent, message: error.description)
                }
            }
            return JSONResponse(CreatedToken(token: created.token, record: created.record), status: .created)
        }
        api.on("tokens/:id", .delete, role: .admin) { _, context in
            let id = try context.parameters.require("id")
            let (actor, source) = (context.actor, context.source)
            guard try await blocking({ try access.revoke(id: id, actor: actor, source: source) }) else {
                throw HTTPError(.notFound, message: "no active token \(id)")
            }
            feed.closeStreams(of: id)
            return HTTPResponse.Status.noContent
        }
        api.on("audit", .get, role: .admin) { request, _ in
            let (from, to) = (try request.time("from"), try request.time("to"))
            let (actor, action) = (request.query("actor"), request.query("action"))
            let limit = try request.integer("limit", default: 1000, in: 1...100_000)
            return JSONResponse(
                try await blocking { try access.auditTrail(from: from, to: to, actor: actor, action: action, limit: limit) })
        }
    }
}
