import Foundation

/// Why bytes are not a SIP message. The server answers a request it can identify with 400 and this text, and drops
/// the rest.
public struct SIPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension SIPMessage {
    /// The largest message accepted, over UDP or TCP: a 2,000-channel catalog part is far smaller, and a datagram is
    /// at most 64 KiB anyway.
    public static let maximumSize = 65_536
    static let maximumHeaders = 128

    /// Parses one whole message (a datagram, or a frame cut by `SIPFraming` from a TCP stream).
    public static func parse(_ bytes: [UInt8]) throws(SIPParseError) -> SIPMessage {
        guard bytes.count <= maximumSize else { throw SIPParseError("message larger than \(maximumSize) bytes") }
        guard let (headEnd, bodyStart) = SIPFraming.headEnd(in: bytes[...]) else {
            throw SIPParseError("no blank line after the headers")
        }
        guard let head = String(validating: bytes[..<headEnd], as: UTF8.self) else {
            throw SIPParseError("headers are not UTF-8")
        }
        var lines = head.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        while lines.first?.isEmpty == true { lines.removeFirst() }  // RFC 3261 §7.5: ignore leading CRLFs
        guard let first = lines.first else { throw SIPParseError("empty message") }
        let startLine = try parseStartLine(first)
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            if let folded = line.first, folded == " " || folded == "\t" {
                guard !headers.isEmpty else { throw SIPParseError("continuation line before any header") }
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw SIPParseError("header line without ':': \(line.prefix(40))") }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-._!%*+`'~".contains($0) }) else {
                throw SIPParseError("bad header name '\(name.prefix(40))'")
            }
            headers.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            guard headers.count <= maximumHeaders else { throw SIPParseError("more than \(maximumHeaders) headers") }
        }
        var message = SIPMessage(startLine, headers: headers)
        let available = bytes.count - bodyStart
        if let declared = message.header("Content-Length") {
            guard let length = Int(declared), length >= 0 else { throw SIPParseError("bad Content-Length '\(declared)'") }
            guard length <= available else {
                throw SIPParseError("Content-Length \(length) but \(available) bytes follow the headers")
            }
            message.body = Array(bytes[bodyStart..<(bodyStart + length)])
        } else {
            message.body = Array(bytes[bodyStart...])
        }
        for required in ["Via", "From", "To", "Call-ID", "CSeq"] where message.header(required) == nil {
            throw SIPParseError("no \(required) header")
        }
        guard message.cseq != nil else { throw SIPParseError("bad CSeq '\(message.header("CSeq") ?? "")'") }
        return message
    }

    private static func parseStartLine(_ line: String) throws(SIPParseError) -> StartLine {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2 else { throw SIPParseError("bad start line '\(line.prefix(60))'") }
        if parts[0] == "SIP/2.0" {
            guard let status = Int(parts[1]), (100...699).contains(status) else {
                throw SIPParseError("bad status in '\(line.prefix(60))'")
            }
            return .response(status: status, reason: parts.count == 3 ? String(parts[2]) : "")
        }
        guard parts.count == 3, parts[2] == "SIP/2.0", parts[0].allSatisfy({ $0.isUppercase || $0 == "-" }) else {
            throw SIPParseError("bad request line '\(line.prefix(60))'")
        }
        return .request(method: SIPMethod(rawValue: String(parts[0])), uri: String(parts[1]))
    }
}

/// Cutting SIP messages out of a TCP byte stream (RFC 3261 §18.3: Content-Length frames the body).
public enum SIPFraming {
    /// Where the headers end (the index of the blank line) and the body starts, or nil if the blank line has not
    /// arrived. Accepts CRLF CRLF and, from sloppy devices, LF LF.
    static func headEnd(in bytes: ArraySlice<UInt8>) -> (headEnd: Int, bodyStart: Int)? {
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            if bytes[index] == 0x0A {
                if bytes[index + 1] == 0x0A { return (index, index + 2) }
                if bytes[index + 1] == 0x0D, index + 2 < bytes.endIndex, bytes[index + 2] == 0x0A { return (index, index + 3) }
            }
            index += 1
        }
        return nil
    }

    /// The length of the first whole message at the start of `bytes`, nil when more bytes are needed; throws when
    /// the stream cannot be SIP (too long a head, a bad Content-Length). Leading CRLF keepalives (RFC 5626) count
    /// as a message of their own, which `parse` then ignores.
    public static func messageLength(in bytes: ArraySlice<UInt8>) throws(SIPParseError) -> Int? {
        var start = bytes.startIndex
        while start < bytes.endIndex, bytes[start] == 0x0D || bytes[start] == 0x0A { start += 1 }
        if start > bytes.startIndex { return start - bytes.startIndex }
        guard let (headEnd, bodyStart) = headEnd(in: bytes) else {
            if bytes.count > SIPMessage.maximumSize { throw SIPParseError("no end of headers in \(bytes.count) bytes") }
            return nil
        }
        let head = String(decoding: bytes[bytes.startIndex..<headEnd], as: UTF8.self)
        var length = 0
        for line in head.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = SIPHeaderName.canonical(line[..<colon].trimmingCharacters(in: .whitespaces))
            if name == "content-length" {
                guard let value = Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)), value >= 0 else {
                    throw SIPParseError("bad Content-Length in a TCP stream")
                }
                length = value
            }
        }
        let total = bodyStart - bytes.startIndex + length
        guard total <= SIPMessage.maximumSize else { throw SIPParseError("message of \(total) bytes") }
        return bytes.count >= total ? total : nil
    }
}
