import Access
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

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
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTime(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTime(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO 8601 time")
            }
            return date
        }
        return decoder
    }()

    /// RFC 3339 in UTC with milliseconds, e.g. 2026-11-22T06:40:12.345Z.
    public static func formatTime(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// RFC 3339 with or without fractional seconds, with a zone (Z or ±hh:mm).
    public static func parseTime(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(text, strategy: .iso8601)
    }
}
