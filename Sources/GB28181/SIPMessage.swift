import Foundation

/// A SIP request or response (RFC 3261 §7), as text lines and a body of bytes. Parsing is strict about structure
/// (start line, header syntax, Content-Length) and lenient about what devices vary (header case, compact names,
/// bare LF line ends): a malformed message is an error to answer with 400 or drop, never a crash.
public struct SIPMessage: Sendable, Equatable {
    public enum StartLine: Sendable, Equatable {
        case request(method: SIPMethod, uri: String)
        case response(status: Int, reason: String)
    }

    public var startLine: StartLine
    /// In order, names as received; look them up with `header(_:)`, which knows compact forms and case.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(_ startLine: StartLine, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.startLine = startLine
        self.headers = headers
        self.body = body
    }

    public static func == (lhs: SIPMessage, rhs: SIPMessage) -> Bool {
        lhs.startLine == rhs.startLine && lhs.body == rhs.body
            && lhs.headers.map { [$0.name, $0.value] } == rhs.headers.map { [$0.name, $0.value] }
    }

    public var method: SIPMethod? {
        if case .request(let method, _) = startLine { return method }
        return nil
    }

    /// A request's Request-URI.
    public var requestURI: String? {
        if case .request(_, let uri) = startLine { return uri }
        return nil
    }

    public var status: Int? {
        if case .response(let status, _) = startLine { return status }
        return nil
    }

    /// The first value of a header, by its full or compact name, in any case.
    public func header(_ name: String) -> String? { headers(name).first }

    /// Every value of a header, in order (repeated headers; comma-separated values are not split).
    public func headers(_ name: String) -> [String] {
        let wanted = SIPHeaderName.canonical(name)
        return headers.filter { SIPHeaderName.canonical($0.name) == wanted }.map(\.value)
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        let wanted = SIPHeaderName.canonical(name)
        headers.removeAll { SIPHeaderName.canonical($0.name) == wanted }
        headers.append((name, value))
    }

    /// CSeq's number and method.
    public var cseq: (number: UInt32, method: String)? {
        guard let parts = header("CSeq")?.split(separator: " ", omittingEmptySubsequences: true), parts.count == 2,
            let number = UInt32(parts[0])
        else { return nil }
        return (number, String(parts[1]))
    }

    /// The user part of the From header's URI: a GB device's ID.
    public var fromUser: String? { header("From").flatMap(SIPURI.user(inHeader:)) }

    /// The message as it goes on the wire, with Content-Length set from the body.
    public var bytes: [UInt8] {
        var text: String
        switch startLine {
        case .request(let method, let uri): text = "\(method.rawValue) \(uri) SIP/2.0\r\n"
        case .response(let status, let reason): text = "SIP/2.0 \(status) \(reason)\r\n"
        }
        for (name, value) in headers where SIPHeaderName.canonical(name) != "content-length" {
            text += "\(name): \(value)\r\n"
        }
        text += "Content-Length: \(body.count)\r\n\r\n"
        return Array(text.utf8) + body
    }
}

/// The methods Skygate speaks; others parse as `.other` and are answered 405.
public enum SIPMethod: Sendable, Hashable, RawRepresentable {
    case register, message, invite, ack, bye, cancel, options, subscribe, notify, info
    case other(String)

    public init(rawValue: String) {
        switch rawValue {
        case "REGISTER": self = .register
        case "MESSAGE": self = .message
        case "INVITE": self = .invite
        case "ACK": self = .ack
        case "BYE": self = .bye
        case "CANCEL": self = .cancel
        case "OPTIONS": self = .options
        case "SUBSCRIBE": self = .subscribe
        case "NOTIFY": self = .notify
        case "INFO": self = .info
        default: self = .other(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .register: "REGISTER"
        case .message: "MESSAGE"
        case .invite: "INVITE"
        case .ack: "ACK"
        case .bye: "BYE"
        case .cancel: "CANCEL"
        case .options: "OPTIONS"
        case .subscribe: "SUBSCRIBE"
        case .notify: "NOTIFY"
        case .info: "INFO"
        case .other(let text): text
        }
    }
}

/// RFC 3261 §7.3.3's compact header names, and case-insensitive matching.
enum SIPHeaderName {
    static let compact: [String: String] = [
        "i": "call-id", "m": "contact", "e": "content-encoding", "l": "content-length", "c": "content-type",
        "f": "from", "s": "subject", "k": "supported", "t": "to", "v": "via",
    ]

    static func canonical(_ name: String) -> String {
        let lower = name.lowercased()
        return compact[lower] ?? lower
    }
}

/// What a SIP URI in a header holds, as much as a GB device's headers need.
enum SIPURI {
    /// `34020000001320000001` from `"name" <sip:34020000001320000001@3402000000>;tag=1`.
    static func user(inHeader value: String) -> String? {
        guard
            let start = value.range(of: "sip:", options: .caseInsensitive) ?? value.range(of: "sips:", options: .caseInsensitive)
        else { return nil }
        let rest = value[start.upperBound...]
        let end = rest.firstIndex { "@>;: ".contains($0) } ?? rest.endIndex
        guard rest[end...].first == "@" else { return nil }
        let user = rest[..<end]
        return user.isEmpty ? nil : String(user)
    }

    /// The URI of a name-addr (`"x" <sip:a@b:5060>;tag=1` → `sip:a@b:5060`) or of a bare addr-spec.
    static func address(inHeader value: String) -> String? {
        if let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            return String(value[value.index(after: open)..<close])
        }
        let bare = value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
        return bare.flatMap { $0.lowercased().hasPrefix("sip") ? $0 : nil }
    }

    /// The value of `;name=` in a header's parameters (after the URI's closing `>` when there is one).
    static func parameter(_ name: String, inHeader value: String) -> String? {
        let parameters = value.lastIndex(of: ">").map { value[value.index(after: $0)...] } ?? value[...]
        for part in parameters.split(separator: ";").dropFirst(value.contains(">") ? 0 : 1) {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.first?.trimmingCharacters(in: .whitespaces).lowercased() == name.lowercased() {
                return pair.count == 2 ? pair[1].trimmingCharacters(in: .whitespaces) : ""
            }
        }
        return nil
    }
}
