import Crypto
import Foundation

/// The parameters of an `Authorization: Digest …` header (RFC 2617 §3.2.2).
struct DigestCredentials: Sendable, Equatable {
    var username: String
    var realm: String
    var nonce: String
    var uri: String
    var response: String
    var algorithm: String?
    var qop: String?
    var nc: String?
    var cnonce: String?

    /// Nil when the header is not a Digest header with every field RFC 2617 requires.
    init?(header: String) {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("digest ") else { return nil }
        let fields = Self.parameters(trimmed.dropFirst(7))
        guard let username = fields["username"], let realm = fields["realm"], let nonce = fields["nonce"],
            let uri = fields["uri"], let response = fields["response"]
        else { return nil }
        (self.username, self.realm, self.nonce, self.uri, self.response) = (username, realm, nonce, uri, response)
        (algorithm, qop, nc, cnonce) = (fields["algorithm"], fields["qop"], fields["nc"], fields["cnonce"])
    }

    /// `name=value` and `name="value"` pairs separated by commas; commas inside quotes are kept.
    static func parameters(_ text: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        var rest = text[...]
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...].drop { $0 == " " }
            var value: Substring
            if rest.first == "\"" {
                let body = rest.dropFirst()
                let close = body.firstIndex(of: "\"") ?? body.endIndex
                value = body[..<close]
                rest = close < body.endIndex ? body[body.index(after: close)...] : body[body.endIndex...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end]
                rest = rest[end...]
            }
            fields[name] = value.trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// The response a client with `password` computes for `method` (MD5, with or without qop=auth).
    func expectedResponse(password: String, method: String) -> String {
        let ha1 = Self.md5("\(username):\(realm):\(password)")
        let ha2 = Self.md5("\(method):\(uri)")
        if qop?.lowercased() == "auth", let nc, let cnonce {
            return Self.md5("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
        }
        return Self.md5("\(ha1):\(nonce):\(ha2)")
    }

    /// Whether `response` was made with `password`, compared in constant time.
    func isValid(password: String, method: String) -> Bool {
        let expected = Array(expectedResponse(password: password, method: method).utf8)
        let given = Array(response.lowercased().utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func md5(_ text: String) -> String {
        Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Issues and checks nonces without keeping them: a nonce is its issue time and a MAC of it under a key of this
/// process, so a flood of unauthenticated REGISTERs costs no memory and no database write, and an expired or forged
/// nonce is known as such. (A restart makes the outstanding nonces stale: devices answer `stale=true` by
/// registering again.)
struct NonceMint: Sendable {
    /// The key's bytes (`SymmetricKey` itself is not `Sendable`).
    private let keyBytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    /// How long a nonce may be used: a device answers a challenge at once, and re-registers well within this.
    var lifetime: TimeInterval = 300

    func issue(at now: Date) -> String {
        let issued = String(UInt64(now.timeIntervalSince1970 * 1000), radix: 16)
        return issued + "." + mac(issued)
    }

    enum Verdict: Equatable {
        case valid
        /// Made here but too old: challenge again with `stale=true`.
        case stale
        case forged
    }

    func check(_ nonce: String, at now: Date) -> Verdict {
        let parts = nonce.split(separator: ".")
        guard parts.count == 2, let millis = UInt64(parts[0], radix: 16), mac(String(parts[0])) == parts[1] else {
            return .forged
        }
        let age = now.timeIntervalSince1970 - Double(millis) / 1000
        return age >= -5 && age <= lifetime ? .valid : .stale
    }

    private func mac(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: keyBytes)).prefix(12).map {
            String(format: "%02x", $0)
        }
        .joined()
    }
}
