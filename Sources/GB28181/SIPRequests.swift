import Foundation

/// Requests this server sends to devices, each in a new dialog: a fresh Call-ID, From tag and branch.
struct SIPRequests: Sendable {
    let configuration: GBConfiguration
    /// The address devices reach this server at, for the Via and From headers.
    let advertisedHost: String
    let port: Int

    /// A MANSCDP query (`Catalog`, `DeviceInfo`, `DeviceStatus`) to `device` at `peer`.
    func query(_ command: String, device: String, serialNumber: Int, to peer: SIPPeer) -> SIPMessage {
        let body = """
            <?xml version="1.0" encoding="GB2312"?>\r
            <Query>\r
            <CmdType>\(command)</CmdType>\r
            <SN>\(serialNumber)</SN>\r
            <DeviceID>\(device)</DeviceID>\r
            </Query>\r

            """
        return message(to: device, at: peer, cseq: 1, body: Array(body.utf8))
    }

    /// The `<Response><CmdType>Alarm</CmdType>…<Result>OK</Result></Response>` MESSAGE that acknowledges an alarm.
    func alarmResponse(device: String, serialNumber: Int, to peer: SIPPeer) -> SIPMessage {
        let body = """
            <?xml version="1.0" encoding="GB2312"?>\r
            <Response>\r
            <CmdType>Alarm</CmdType>\r
            <SN>\(serialNumber)</SN>\r
            <DeviceID>\(device)</DeviceID>\r
            <Result>OK</Result>\r
            </Response>\r

            """
        return message(to: device, at: peer, cseq: 1, body: Array(body.utf8))
    }

    private func message(to device: String, at peer: SIPPeer, cseq: Int, body: [UInt8]) -> SIPMessage {
        let transport = peer.transport == .udp ? "UDP" : "TCP"
        let peerHost = peer.host.contains(":") ? "[\(peer.host)]" : peer.host
        return SIPMessage(
            .request(method: .message, uri: "sip:\(device)@\(peerHost):\(peer.port)"),
            headers: [
                ("Via", "SIP/2.0/\(transport) \(advertisedHost):\(port);rport;branch=z9hG4bK\(Self.token(16))"),
                ("From", "<sip:\(configuration.serverID)@\(configuration.domain)>;tag=\(Self.token(8))"),
                ("To", "<sip:\(device)@\(configuration.domain)>"),
                ("Call-ID", "\(Self.token(16))@\(advertisedHost)"),
                ("CSeq", "\(cseq) MESSAGE"),
                ("Max-Forwards", "70"),
                ("User-Agent", "Skygate"),
                ("Content-Type", "Application/MANSCDP+xml"),
            ], body: body)
    }

    static func token(_ length: Int) -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
