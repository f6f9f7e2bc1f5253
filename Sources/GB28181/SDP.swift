import Foundation

/// The SSRC of a GB/T 28181 media session (GB/T 28181 Annex …, "y=" line): ten decimal digits, `0` for live or `1`
/// for playback, then characters 4–8 of the platform's domain ID, then a four-digit sequence of its own.
public struct GBSSRC: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(playback: Bool, domain: String, sequence: Int) {
        let digits = Array(domain.filter(\.isNumber))
        let middle = digits.count >= 8 ? String(digits[3..<8]) : String(repeating: "0", count: 5)
        text = (playback ? "1" : "0") + middle + String(format: "%04d", sequence % 10_000)
    }

    /// An SSRC as a device states it in its answer's `y=` (some zero-pad it, some send fewer digits).
    public init?(answer: String) {
        let trimmed = answer.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 10, trimmed.allSatisfy(\.isNumber), let value = UInt32(trimmed) else {
            return nil
        }
        text = String(format: "%010u", value)
    }

    /// The RTP header's SSRC field.
    public var value: UInt32 { UInt32(text) ?? 0 }
    public var description: String { text }
}

/// The SDP of a live INVITE (`s=Play`): what the platform offers, and what it reads from a device's answer.
public enum GBSessionDescription {
    public enum MediaTransport: Sendable, Equatable {
        case udp
        /// RTP over TCP with RFC 4571 framing, Skygate listening (`a=setup:passive`).
        case tcpPassive
    }

    /// The offer: receive only, PS at 90 kHz as payload type 96, and the SSRC on a `y=` line.
    public static func offer(
        serverID: String, address: String, port: Int, transport: MediaTransport, ssrc: GBSSRC, playback: Bool = false
    ) -> String {
        var lines = [
            "v=0",
            "o=\(serverID) 0 0 IN IP4 \(address)",
            "s=\(playback ? "Playback" : "Play")",
            "c=IN IP4 \(address)",
            "t=0 0",
            "m=video \(port) \(transport == .udp ? "RTP/AVP" : "TCP/RTP/AVP") 96",
            "a=recvonly",
            "a=rtpmap:96 PS/90000",
        ]
        if transport == .tcpPassive { lines += ["a=setup:passive", "a=connection:new"] }
        lines.append("y=\(ssrc)")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// What a device's answer says, read tolerantly: answers are sloppy (zero-padded `y=`, `a=setup:active` on UDP,
    /// extra attributes, LF line ends).
    public struct Answer: Sendable, Equatable {
        public var address: String?
        public var port: Int?
        public var overTCP: Bool
        public var ssrc: GBSSRC?
        public var payloadTypes: [Int]
    }

    /// Nil when the text has no video media line at all (answer 488).
    public static func answer(_ text: String) -> Answer? {
        var answer = Answer(address: nil, port: nil, overTCP: false, ssrc: nil, payloadTypes: [])
        var sawVideo = false
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("c=") {
                answer.address = line.split(separator: " ").last.map(String.init)
            } else if line.hasPrefix("m=video") {
                let fields = line.dropFirst(2).split(separator: " ")
                guard fields.count >= 3 else { continue }
                sawVideo = true
                answer.port = Int(fields[1])
                answer.overTCP = fields[2].uppercased().hasPrefix("TCP")
                answer.payloadTypes = fields.dropFirst(3).compactMap { Int($0) }
            } else if line.hasPrefix("y=") {
                answer.ssrc = GBSSRC(answer: String(line.dropFirst(2)))
            }
        }
        return sawVideo ? answer : nil
    }
}
