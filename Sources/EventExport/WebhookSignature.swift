import Crypto
import Events
public import Foundation

/// Signs webhook messages per the Standard Webhooks scheme: `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, with a secret written `whsec_<base64>`.
public struct WebhookSignature: Sendable {
    /// The key bytes (SymmetricKey is not Sendable; it is made per signature, which costs nothing).
    private let key: Data

    /// `secret` as Standard Webhooks writes it (`whsec_` and base64); at least 24 bytes of key.
    public init(secret: String) throws {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(trimmed.dropFirst(6))) else {
            throw EventsError(
                .invalidConfiguration,
                "the webhook secret must be 'whsec_' followed by base64 (make one with `skygate events secret`)")
        }
        guard bytes.count >= 24 else {
            throw EventsError(.invalidConfiguration, "the webhook secret is too short: \(bytes.count) bytes, need 24 or more")
        }
        key = bytes
    }

    /// A new random secret, `whsec_` and 32 bytes in base64.
    public static func makeSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The three headers for a message.
    public func headers(id: String, timestamp: Date, body: Data) -> [(String, String)] {
        let seconds = String(Int64(timestamp.timeIntervalSince1970))
        return [
            ("webhook-id", id), ("webhook-timestamp", seconds),
            ("webhook-signature", signature(id: id, timestamp: seconds, body: body)),
        ]
    }

    /// `v1,<base64>` for the signed content `id.timestamp.body`.
    public func signature(id: String, timestamp: String, body: Data) -> String {
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// Whether one of the space-separated signatures in `header` is valid for this message, and its timestamp within
    /// `tolerance` seconds of `now` (what a receiver does: Standard Webhooks' five minutes stop a captured message from
    /// being replayed later). The MAC is compared in constant time (`HMAC.isValidAuthenticationCode`), so the time a
    /// refusal takes says nothing about how much of a forged signature was right.
    public func verify(
        id: String, timestamp: String, body: Data, header: String, now: Date = Date(), tolerance: TimeInterval = 300
    ) -> Bool {
        guard let seconds = Int64(timestamp), abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else {
            return false
        }
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(body)
        let key = SymmetricKey(data: key)
        return header.split(separator: " ").contains { candidate in
            guard candidate.hasPrefix("v1,"), let mac = Data(base64Encoded: String(candidate.dropFirst(3))) else {
                return false
            }
            return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: content, using: key)
        }
    }
}
