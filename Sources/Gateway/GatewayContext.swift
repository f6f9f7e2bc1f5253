public import Access
public import Foundation
import HTTPTypes
public import Hummingbird
import MediaIO
public import NIOCore

/// The request context of every gateway route: who called (set by `BearerAuthentication`) and from where.
public struct GatewayContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token that authenticated the request; nil on the open routes (health, dashboard files, the spec).
    public var caller: TokenRecord?
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// ISO 8601 times with milliseconds and sorted keys: stable output that scripts and tests can compare.
    public var responseEncoder: JSONEncoder { GatewayJSON.encoder }
    public var requestDecoder: JSONDecoder { GatewayJSON.decoder }

    /// The caller as the audit trail names it: the token's name and ID, never the token.
    var actor: String { caller.map { "token:\($0.name)#\($0.id)" } ?? "anonymous" }

    /// The peer's address without its port, for the audit trail.
    var source: String { remoteAddress?.ipAddress ?? "unknown" }
}

/// The gateway's one JSON dialect.
public enum GatewayJSON {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = TimeText.encoding
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = TimeText.decoding
        return decoder
    }()
}
