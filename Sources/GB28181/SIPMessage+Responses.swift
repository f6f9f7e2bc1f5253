import Foundation

/// Where a SIP message came from, and where requests to that device go back to (its `received`/`rport`, never
/// its Contact: devices sit behind NAT).
public struct SIPPeer: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: String, Sendable { case udp, tcp }
    public var transport: Transport
    public var host: String
    public var port: Int

    public init(transport: Transport, host: String, port: Int) {
        self.transport = transport
        self.host = host
        self.port = port
    }

    /// `udp:127.0.0.1:5070`, as the registry keeps it.
    public var description: String { "\(transport.rawValue):\(host):\(port)" }

    /// Reads `description` back (the host may be an IPv6 address, with colons of its own).
    public init?(description text: String) {
        guard let first = text.firstIndex(of: ":"), let last = text.lastIndex(of: ":"), first < last,
            let transport = Transport(rawValue: String(text[..<first])), let port = Int(text[text.index(after: last)...])
        else { return nil }
        self.init(transport: transport, host: String(text[text.index(after: first)..<last]), port: port)
    }
}

extension SIPMessage {
    /// A response to this request (RFC 3261 §8.2.6): its Via headers (the top one with `received` and `rport` filled
    /// in, RFC 3581), From, To (with `toTag` unless it has one), Call-ID and CSeq.
    func response(_ status: Int, _ reason: String, from peer: SIPPeer, toTag: String) -> SIPMessage {
        var response = SIPMessage(.response(status: status, reason: reason))
        for (index, via) in headers("Via").enumerated() {
            response.headers.append(("Via", index == 0 ? Self.stamp(via, peer: peer) : via))
        }
        for name in ["From", "To", "Call-ID", "CSeq"] {
            guard var value = header(name) else { continue }
            if name == "To", status > 100, SIPURI.parameter("tag", inHeader: value) == nil { value += ";tag=\(toTag)" }
            response.headers.append((name, value))
        }
        response.headers.append(("User-Agent", "Skygate"))
        return response
    }

    /// The top Via with where the request really came from.
    private static func stamp(_ via: String, peer: SIPPeer) -> String {
        var parts = via.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        var sawReceived = false
        for index in parts.indices.dropFirst() {
            let name = parts[index].split(separator: "=").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if name == "rport" { parts[index] = "rport=\(peer.port)" }
            if name == "received" {
                parts[index] = "received=\(peer.host)"
                sawReceived = true
            }
        }
        if !sawReceived { parts.append("received=\(peer.host)") }
        return parts.joined(separator: ";")
    }
}

/// The `Date` header of a REGISTER's 200, which devices set their clocks from: GB/T 28181 §9.1.2 gives local time
/// with milliseconds and no zone, `2026-12-01T09:58:33.000`.
enum SIPDate {
    static func text(_ date: Date, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // Whole milliseconds first, in integers: a time's nanoseconds, read back from a Double, can fall a hair short
        // of its millisecond, which would be written one millisecond early.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (quotient, remainder) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let (second, millis) = remainder < 0 ? (quotient - 1, remainder + 1000) : (quotient, remainder)
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(second)))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0, Int(millis))
    }

    /// A time as devices write it (`AlarmTime`, `DeviceTime`): `2026-12-01T09:58:33`, local time and no zone, with or
    /// without a fraction of a second; a space in place of the `T` is taken too. Nil when it is not such a time.
    static func date(from text: String, timeZone: TimeZone = .current) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let whole = trimmed.prefix { $0 != "." }
        let fraction = trimmed.dropFirst(whole.count + 1)
        let parts = whole.split(whereSeparator: { "-T: ".contains($0) }).map { Int($0) }
        guard parts.count == 6, let year = parts[0], let month = parts[1], let day = parts[2], let hour = parts[3],
            let minute = parts[4], let second = parts[5]
        else { return nil }
        // A fraction is 1 to 9 digits (no exponent, no sign); a bare "." is not a time.
        let digits = fraction.allSatisfy { ("0"..."9").contains($0) }
        guard whole.count == trimmed.count || (1...9).contains(fraction.count) && digits else { return nil }
        let seconds = fraction.isEmpty ? 0 : Double("0." + fraction) ?? 0
        let components = DateComponents(
            calendar: Calendar(identifier: .gregorian), timeZone: timeZone, year: year, month: month, day: day, hour: hour,
            minute: minute, second: second)
        guard components.isValidDate else { return nil }
        return components.date?.addingTimeInterval(seconds)
    }
}
