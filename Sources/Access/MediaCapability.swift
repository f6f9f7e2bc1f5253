import Crypto
public import Foundation

/// A short-lived, signed permission to fetch one camera's recorded media between two times: what a `<video>` element
/// carries in its URLs, since it cannot send a bearer header. It is never the bearer token, and it names no one: an
/// operator mints it through the API (audited), and whoever holds the URL may play that camera's range until it
/// expires, not another camera's and not another time.
///
/// Written into a URL path as `base64url(camera \n from \n to \n expires) . base64url(HMAC-SHA256)`: times in whole
/// milliseconds since 1970. The MAC is checked in constant time before any field is believed.
public struct MediaCapability: Sendable, Equatable {
    /// The signing key, 32 random bytes kept in the access store.
    public struct Key: Sendable {
        /// The bytes, not a `SymmetricKey` (which is not `Sendable`): one is made per use, a copy of 32 bytes.
        let bytes: Data
        var key: SymmetricKey { SymmetricKey(data: bytes) }

        public init(_ bytes: Data) { self.bytes = bytes }
    }

    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not a capability this gateway signed (or altered since).
        case forged
        case expired

        public var description: String {
            switch self {
            case .forged: "the media URL is not valid"
            case .expired: "the media URL has expired; ask for a new one"
            }
        }
    }

    public var camera: String
    public var from: Date
    public var to: Date
    public var expires: Date

    public init(camera: String, from: Date, to: Date, expires: Date) {
        self.camera = camera
        self.from = Self.rounded(from)
        self.to = Self.rounded(to)
        self.expires = Self.rounded(expires)
    }

    /// Whether `time` lies in the range this capability grants.
    public func covers(_ time: Date) -> Bool { time >= from && time <= to }

    /// The capability as a URL path segment.
    public func token(signedWith key: Key) -> String {
        let payload = Data(
            [camera, "\(Self.milliseconds(from))", "\(Self.milliseconds(to))", "\(Self.milliseconds(expires))"]
                .joined(separator: "\n").utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key.key)
        return Self.base64URL(payload) + "." + Self.base64URL(Data(mac))
    }

    /// Reads and checks a capability from a URL.
    public init(token: String, key: Key, now: Date) throws(Refusal) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 512, parts.count == 2, let payload = Self.data(base64URL: parts[0]),
            let mac = Self.data(base64URL: parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key.key)
        else { throw .forged }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard fields.count == 4, let from = Int64(fields[1]), let to = Int64(fields[2]), let expires = Int64(fields[3]) else {
            throw .forged
        }
        self.init(
            camera: String(fields[0]), from: Self.instant(from), to: Self.instant(to), expires: Self.instant(expires))
        guard now < self.expires else { throw .expired }
    }

    static func rounded(_ date: Date) -> Date { instant(milliseconds(date)) }
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    static func instant(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5); API tokens are written this way too.
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: Substring) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
