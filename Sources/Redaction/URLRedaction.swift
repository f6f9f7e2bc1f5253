/// What a stream or service URL may show: the one place that knows which parts of a URL are secrets. Everything that
/// shows, logs, reports or exports a URL goes through it.
///
/// Secrets are the user information (`user:password@`), the values of query parameters that carry credentials (SRT's
/// `passphrase`, `?token=`, signed-URL keys, …) and an RTMP URL's stream key (every path component after the
/// application: `rtmp://host/live/KEY`), and Skygate's own media capabilities (`/play/CAPABILITY/…`). Each is replaced
/// by `***`, so the URL keeps its shape and its host.
public enum URLRedaction {
    /// The mark that replaces a secret.
    public static let mark = "***"

    /// Query parameters whose values are secrets, in lower case: SRT, token auth, the common CDN and camera-platform
    /// signatures, and stream keys.
    public static let secretParameters: Set<String> = [
        "passphrase", "streamid", "token", "access_token", "auth", "auth_key", "authorization", "key", "apikey", "api_key",
        "password", "passwd", "pwd", "pass", "secret", "sign", "signature", "sig", "txsecret", "stream_key", "streamkey",
    ]

    /// Schemes whose path after the application is a stream key.
    static let streamKeySchemes: Set<String> = ["rtmp", "rtmps", "rtmpt", "rtmpe", "rtmpte", "rtmpts"]

    /// `url` with its user information, secret query values and RTMP stream key replaced by `***`.
    public static func redacting(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let authorityStart = schemeEnd.upperBound
        let rest = url[authorityStart...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        if let at = authority.lastIndex(of: "@") { authority = mark + authority[at...] }
        var tail = String(rest[authorityEnd...])
        let fragment = tail.firstIndex(of: "#").map { String(tail[$0...]) } ?? ""
        tail = String(tail.prefix { $0 != "#" })
        var query = ""
        if let question = tail.firstIndex(of: "?") {
            query = redactingParameters(String(tail[tail.index(after: question)...]))
            tail = String(tail[..<question])
        }
        if streamKeySchemes.contains(scheme) { tail = redactingStreamKey(path: tail) }
        tail = redactingCapabilities(tail)
        return String(url[..<authorityStart]) + authority + tail + (query.isEmpty ? "" : "?" + query) + fragment
    }

    /// Free text (a log line, an error) with every URL in it redacted as `redacting(_:)` does.
    public static func redacting(inText text: String) -> String {
        let text = redactingCapabilities(text)
        guard text.contains("://") else { return text }
        return text.replacing(#/[A-Za-z][A-Za-z0-9+.\-]*://[^\s'"<>]+/#) { match in redacting(String(match.output)) }
    }

    /// `/play/CAPABILITY/…` → `/play/***/…`: a media capability is a permission to watch until it expires.
    static func redactingCapabilities(_ text: String) -> String {
        guard text.contains("/play/") else { return text }
        return text.replacing(#//play/[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+(?=/)/#, with: "/play/" + mark)
    }

    /// Whether `url` is `stored` as `redacting(_:)` shows it, with a secret hidden: a URL given back as it was shown
    /// (an export re-imported, a form saved unchanged) means the stored one.
    public static func isShownForm(_ url: String, of stored: String) -> Bool {
        url != stored && url.contains(mark) && redacting(stored) == url
    }

    private static func redactingParameters(_ query: String) -> String {
        query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals].lowercased()
            return secretParameters.contains(name) ? pair[..<equals] + "=" + mark : String(pair)
        }.joined(separator: "&")
    }

    /// `/app/key/more` → `/app/***`: everything after the application is the stream name or key.
    private static func redactingStreamKey(path: String) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard components.count > 2, !components[2...].allSatisfy(\.isEmpty) else { return path }
        return components[0...1].joined(separator: "/") + "/" + mark
    }
}
