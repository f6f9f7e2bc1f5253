import Foundation

/// The requests this server has sent and awaits a final response to (RFC 3261 §17.1.2, non-INVITE client
/// transactions): over UDP a request is sent again after 500 ms, then at doubling intervals up to 4 s (timer E), and
/// given up after 32 s (timer F). Responses match by the top Via's branch and the CSeq method. A value that takes time
/// as an input; the transport sends what it returns.
struct ClientTransactions: Sendable {
    struct Pending: Sendable {
        var request: SIPMessage
        var peer: SIPPeer
        var interval: TimeInterval
        var next: Date
        var deadline: Date
    }

    static let t1: TimeInterval = 0.5
    static let t2: TimeInterval = 4
    static let timeout: TimeInterval = 32
    /// At most this many awaited at once; beyond it the oldest is given up (a device that never answers must not
    /// make the table grow).
    static let capacity = 10_000
    private(set) var pending: [String: Pending] = [:]

    static func key(branch: String, method: String) -> String { branch + " " + method }

    /// Starts a transaction for `request` (which carries a unique branch in its top Via).
    mutating func start(_ request: SIPMessage, to peer: SIPPeer, at now: Date) {
        guard let branch = Self.branch(of: request), let method = request.method?.rawValue else { return }
        if pending.count >= Self.capacity, let oldest = pending.min(by: { $0.value.deadline < $1.value.deadline })?.key {
            pending[oldest] = nil
        }
        pending[Self.key(branch: branch, method: method)] = Pending(
            request: request, peer: peer, interval: Self.t1, next: now.addingTimeInterval(Self.t1),
            deadline: now.addingTimeInterval(Self.timeout))
    }

    /// The request a response answers, if awaited; a final response (200–699) ends the transaction.
    mutating func match(_ response: SIPMessage) -> Pending? {
        guard let status = response.status, let branch = Self.branch(of: response), let method = response.cseq?.method else {
            return nil
        }
        let key = Self.key(branch: branch, method: method)
        guard var entry = pending[key] else { return nil }
        if status >= 200 {
            pending[key] = nil
        } else {
            entry.next = entry.deadline  // a provisional response stops retransmission (timer E continues at T2 only over UDP)
            pending[key] = entry
        }
        return entry
    }

    /// What to send again now (UDP only), and what timed out.
    mutating func due(at now: Date) -> (resend: [Pending], timedOut: [Pending]) {
        var resend: [Pending] = []
        var timedOut: [Pending] = []
        for (key, var entry) in pending {
            if now >= entry.deadline {
                pending[key] = nil
                timedOut.append(entry)
            } else if entry.peer.transport == .udp, now >= entry.next {
                entry.interval = min(entry.interval * 2, Self.t2)
                entry.next = now.addingTimeInterval(entry.interval)
                pending[key] = entry
                resend.append(entry)
            }
        }
        return (resend, timedOut)
    }

    static func branch(of message: SIPMessage) -> String? {
        message.header("Via").flatMap { SIPURI.parameter("branch", inHeader: $0) }
    }
}
