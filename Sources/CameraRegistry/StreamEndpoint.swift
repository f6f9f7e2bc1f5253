import Foundation
import Redaction

/// A camera stream address with its credentials held apart, so the URL can be shown and stored in the clear.
public struct StreamEndpoint: Sendable, Hashable {
    /// The URL without user information.
    public let url: String
    public let username: String?
    public let password: String?

    /// Splits `text` into the URL and its `user:password@`, percent-decoded.
    public init(parsing text: String) throws {
        guard !text.isEmpty else { throw RegistryError(.invalid, "stream URL is empty") }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw RegistryError(.invalid, "stream URL contains control characters")
        }
        guard var components = URLComponents(string: text), components.scheme != nil, components.host?.isEmpty == false else {
            throw RegistryError(.invalid, "stream URL '\(StreamEndpoint.redact(text))' is not of the form scheme://host/…")
        }
        // `***@` is how a URL with credentials is shown: given back, it means "keep the stored ones".
        let shownAsHeld = components.user == URLRedaction.mark && components.password == nil
        username = shownAsHeld ? nil : components.user
        password = shownAsHeld ? nil : components.password
        components.user = nil
        components.password = nil
        guard let url = components.string else {
            throw RegistryError(.invalid, "stream URL '\(StreamEndpoint.redact(text))' cannot be rebuilt without its credentials")
        }
        self.url = url
    }

    /// An endpoint from its parts, as stored.
    public init(url: String, username: String?, password: String?) {
        self.url = url
        self.username = username
        self.password = password
    }

    /// The URL as shown anywhere: `scheme://***@host/…` when credentials are held, and every other secret of the URL
    /// (a `passphrase` or `token` parameter, an RTMP stream key) as `***` (`URLRedaction`).
    public var redacted: String {
        let shown = URLRedaction.redacting(url)
        guard username != nil || password != nil, let range = shown.range(of: "://") else { return shown }
        return shown.replacingCharacters(in: range, with: "://\(URLRedaction.mark)@")
    }

    /// The URL with its credentials, for connecting to the camera only; never show or log it.
    public var connectionURL: String {
        guard username != nil || password != nil, var components = URLComponents(string: url) else { return url }
        components.user = username
        components.password = password
        return components.string ?? url
    }

    /// Where the credentials go: the scheme, host and port of `url`.
    public var origin: StreamOrigin? { StreamOrigin(url: url) }

    /// `text` with every secret of its URLs replaced by `***`, for error messages about unparsable URLs.
    public static func redact(_ text: String) -> String { URLRedaction.redacting(inText: text) }
}

/// Decides whether a stream URL may be registered; the executable supplies one that applies MediaIO's camera-protocol
/// policy (the registry itself does not depend on the media layer).
public typealias StreamURLValidator = @Sendable (String) throws -> Void

/// The scheme, host and port of a stream URL: stored credentials are given for one origin and are sent to no other.
public struct StreamOrigin: Sendable, Hashable {
    public let scheme: String
    public let host: String
    /// The port given, or the scheme's default one; nil when neither is known.
    public let port: Int?

    public init?(url: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        self.scheme = scheme
        self.host = host
        port = components.port ?? StreamOrigin.defaultPorts[scheme]
    }

    /// The ports the camera protocols use when a URL names none.
    private static let defaultPorts = [
        "rtsp": 554, "rtsps": 322, "rtmp": 1935, "rtmps": 443, "http": 80, "https": 443,
    ]
}

/// One of a camera's two streams.
public enum StreamRole: String, Sendable, Codable, CaseIterable {
    case main, sub
}
