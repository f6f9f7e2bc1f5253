import Crypto
public import Foundation

/// A short-lived, signed permission to fetch one camera's recorded media between two times: what a `<video>` element
/// carries in its URLs, since it cannot send a bearer header. It is never the bearer token, and it names no one: an
/// operator mints it through the API (audited), and whoever holds the URL may play that camera's range until it
/// expires, not another camera's and not another time.
///
/// Written into a URL path as `base64url(camera \n from \n to \n expires \n use) . base64url(HMAC-SHA256)`: times in
/// whole milliseconds since 1970. The MAC is checked in constant time before any field is believed. A capability is
/// for one use: a keyframe wall's thumbnail URL does not play video.
public struct MediaCapability: Sendable, Equatable {
    /// The signing key, 32 random bytes kept in the access store.
    public struct Key: Sendable {
        /// The bytes, not a `SymmetricKey` (which is not `Sendable`): one is made per use, a copy of 32 bytes.
        let bytes: Data
        var key: SymmetricKey { SymmetricKey(data: bytes) }

        public init(_ bytes: Data) { self.bytes = bytes }
    }

    /// What a capability may fetch.
    public enum Use: String, Sendable {
        /// Playlists, segments and GOPs of the range: minted by a playback request (audited as `playback`).
        case playback
        /// The camera's latest thumbnail: minted for a keyframe wall (audited as `wall.view`).
        case thumbnail
    }

    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not a capability this gateway signed (or altered since).
        case forged
        case expired
        /// Signed for another use (a wall's thumbnail URL used for video).
        case notFor(Use)

        public var description: String {
            switch self {
            case .forged: "the media URL is not valid"
            case .expired: "the media URL has expired; ask for a new one"
            case .notFor(let use): "this media URL is not for \(use == .playback ? "video" : "thumbnails")"
            }
        }
    }

    public var camera: String
    public var from: Date
    public var to: Date
    public var expires: Date
    public var use: Use

    public init(camera: String, from: Date, to: Date, expires: Date, use: Use = .playback) {
        self.camera = camera
        self.from = Self.rounded(from)
        self.to = Self.rounded(to)
        self.expires = Self.rounded(expires)
        self.use = use
    }

    /// Whether `time` lies in the range this capability grants.
    public func covers(_ time: Date) -> Bool { time >= from && time <= to }

    /// The capability as a URL path segment.
    public func token(signedWith key: Key) -> String {
        let payload = Data(
            [camera, "\(Self.milliseconds(from))", "\(Self.milliseconds(to))", "\(Self.milliseconds(expires))", use.rawValue]
                .joined(separator: "\n").utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key.key)
        return Self.base64URL(payload) + "." + Self.base64URL(Data(mac))
    }

    /// Reads and checks a capability from a URL, signed for `use`.
    public init(token: String, key: Key, now: Date, for use: Use) throws(Refusal) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 512, parts.count == 2, let payload = Self.data(base64URL: parts[0]),
            let mac = Self.data(base64URL: parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key.key)
        else { throw .forged }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard fields.count == 5, let from = Int64(fields[1]), let to = Int64(fields[2]), let expires = Int64(fields[3]),
            let signedFor = Use(rawValue: String(fields[4]))
        else { throw .forged }
        self.init(
            camera: String(fields[0]), from: Self.instant(from), to: Self.instant(to), expires: Self.instant(expires),
            use: signedFor)
        guard now < self.expires else { throw .expired }
        guard signedFor == use else { throw .notFor(use) }
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
