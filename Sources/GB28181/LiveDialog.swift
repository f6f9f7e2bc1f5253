/// An established live session with a device: what its BYE needs (RFC 3261 §12), and how to end it.
public struct LiveDialog: Sendable, Equatable {
    public var device: String
    public var channel: String
    public var callID: String
    /// This side's From (with its tag) and the device's To (with the tag of its 200 OK).
    var from: String
    var to: String
    /// The device's Contact from the 200 OK, else the INVITE's Request-URI.
    var remoteTarget: String
    var peer: SIPPeer
    /// What the device answered: where its media comes from, and the SSRC it will use.
    public var answer: GBSessionDescription.Answer
}

/// Why an invitation failed.
public enum LiveInviteFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The device is not registered, or is offline.
    case deviceOffline(String)
    /// The SIP server is not bound yet, or stopped.
    case notServing
    /// The device answered with an error (486 busy, 488 unusable offer, …).
    case refused(status: Int, reason: String)
    /// The 200 OK's SDP has no video this side can receive.
    case unusableAnswer(String)
    /// No final answer within the time given.
    case timedOut

    public var description: String {
        switch self {
        case .deviceOffline(let device): "device \(device) is not registered or is offline"
        case .notServing: "the GB/T 28181 SIP server is not serving"
        case .refused(let status, let reason): "the device refused the invitation: \(status) \(reason)"
        case .unusableAnswer(let why): "the device's answer cannot be used: \(why)"
        case .timedOut: "the device did not answer the invitation"
        }
    }
}
