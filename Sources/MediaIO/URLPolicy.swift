import Foundation
import Redaction

/// Which stream URLs Skygate opens, and which FFmpeg protocols those may use underneath.
///
/// FFmpeg can open far more than cameras: local files, `concat:`, `subfile:`, `data:`, `pipe:` and others that read
/// this machine. A camera URL is refused unless its scheme is one of the camera protocols, and every open carries a
/// protocol whitelist so that nothing the stream says (an HLS playlist, a redirect) reaches another protocol.
public struct URLPolicy: Sendable, Equatable {
    /// Schemes a camera URL may have.
    public var allowedSchemes: Set<String>

    /// Camera protocols: RTSP, RTMP, HTTP(S) for HLS/FLV/TS, SRT and UDP MPEG-TS.
    public static let cameraSchemes: Set<String> = ["rtsp", "rtsps", "rtmp", "rtmps", "http", "https", "srt", "udp"]

    /// The default policy: camera protocols only.
    public static let `default` = URLPolicy(allowedSchemes: cameraSchemes)

    /// Creates a policy; schemes are compared in lower case.
    public init(allowedSchemes: Set<String>) {
        self.allowedSchemes = Set(allowedSchemes.map { $0.lowercased() })
    }

    /// Checks a URL and returns its scheme in lower case, or throws `.refusedURL` with the reason.
    @discardableResult
    public func check(_ url: String) throws -> String {
        let shown = URLRedaction.redacting(url)
        if url.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw MediaError(.refusedURL, "refused URL '\(shown.debugDescriptionEscaped)': it contains control characters")
        }
        guard let scheme = URLPolicy.scheme(of: url) else {
            throw MediaError(.refusedURL, "refused URL '\(shown)': it has no scheme (expected one of \(schemeList))")
        }
        let lower = scheme.lowercased()
        guard allowedSchemes.contains(lower) else {
            throw MediaError(
                .refusedURL,
                "refused URL scheme '\(scheme):' in '\(shown)': only camera protocols are allowed (\(schemeList)); "
                    + "to read a local file, give its path instead of a URL")
        }
        guard url.dropFirst(scheme.count).hasPrefix("://") else {
            throw MediaError(.refusedURL, "refused URL '\(shown)': expected '\(lower)://host/…'")
        }
        return lower
    }

    /// FFmpeg's `protocol_whitelist` for a stream of this scheme: the protocol itself and what it legitimately
    /// stacks on (TCP, TLS, UDP, RTP, HLS over HTTP), never `file`, `concat`, `subfile`, `data`, `pipe` or `crypto`.
    public static func protocolWhitelist(forScheme scheme: String) -> String {
        switch scheme {
        case "rtsp", "rtsps": return "rtsp,rtsps,rtp,srtp,tcp,udp,tls"
        case "rtmp", "rtmps": return "rtmp,rtmps,tcp,tls"
        case "http", "https": return "http,https,tcp,tls,httpproxy"
        case "srt": return "srt"
        case "udp": return "udp"
        default: return scheme
        }
    }

    private var schemeList: String { allowedSchemes.sorted().joined(separator: ", ") }

    /// The scheme of `text` if it starts with one (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`, then `:`).
    public static func scheme(of text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let candidate = text[..<colon]
        guard let first = candidate.unicodeScalars.first, isASCIILetter(first) else { return nil }
        let valid = candidate.unicodeScalars.allSatisfy {
            isASCIILetter($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)
        }
        return valid ? String(candidate) : nil
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}

extension String {
    /// The string with control characters shown as escapes, so an error line stays one line.
    fileprivate var debugDescriptionEscaped: String {
        String(
            unicodeScalars.flatMap {
                $0.value < 0x20 || $0.value == 0x7F ? Array($0.escaped(asASCII: true).unicodeScalars) : [$0]
            }.map(Character.init))
    }
}
