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

    /// A catalog SUBSCRIBE (`Event: Catalog`, the catalog query as its body): a new dialog to `device` at `peer`, or a
    /// refresh within `dialog` (its Call-ID, tags and target, the next CSeq).
    func subscribe(
        device: String, serialNumber: Int, expires: Int, to peer: SIPPeer, within dialog: SubscriptionDialog?
    ) -> SIPMessage {
        var request = query("Catalog", device: device, serialNumber: serialNumber, to: peer)
        request.startLine = .request(method: .subscribe, uri: dialog?.remoteTarget ?? request.requestURI ?? "")
        request.setHeader("CSeq", "\(dialog?.cseq ?? 1) SUBSCRIBE")
        if let dialog {
            request.setHeader("Call-ID", dialog.callID)
            request.setHeader("From", dialog.from)
            request.setHeader("To", dialog.to)
        }
        request.headers.append(("Contact", "<sip:\(configuration.serverID)@\(advertisedHost):\(port)>"))
        request.headers.append(("Event", "Catalog;id=\(serialNumber)"))
        request.headers.append(("Expires", "\(expires)"))
        return request
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

    /// An INVITE for a channel's live video (`Subject: channel:ssrc,server:0`), with the SDP offer.
    func invite(channel: String, to peer: SIPPeer, ssrc: GBSSRC, offer: String) -> SIPMessage {
        var request = message(to: channel, at: peer, cseq: 1, body: Array(offer.utf8), method: .invite)
        request.setHeader("Content-Type", "application/sdp")
        request.headers.append(("Contact", "<sip:\(configuration.serverID)@\(advertisedHost):\(port)>"))
        request.headers.append(("Subject", "\(channel):\(ssrc),\(configuration.serverID):0"))
        return request
    }

    /// The ACK of an INVITE's final response. For a 2xx it is a request of the dialog (a new branch, to the answer's
    /// Contact); for an error it belongs to the INVITE's transaction (its branch and Request-URI).
    func ack(_ invite: SIPMessage, answer: SIPMessage) -> SIPMessage {
        let success = (answer.status ?? 0) < 300
        var uri = invite.requestURI ?? ""
        if success, let contact = answer.header("Contact").flatMap(SIPURI.address(inHeader:)) { uri = contact }
        var via = invite.header("Via") ?? ""
        if success, let range = via.range(of: ";branch=") {
            via = String(via[..<range.lowerBound]) + ";branch=z9hG4bK\(Self.token(16))"
        }
        return SIPMessage(
            .request(method: .ack, uri: uri),
            headers: [
                ("Via", via), ("From", invite.header("From") ?? ""), ("To", answer.header("To") ?? ""),
                ("Call-ID", invite.header("Call-ID") ?? ""), ("CSeq", "\(invite.cseq?.number ?? 1) ACK"),
                ("Max-Forwards", "70"), ("User-Agent", "Skygate"),
            ])
    }

    /// The BYE that ends a live session.
    func bye(_ dialog: LiveDialog) -> SIPMessage {
        let transport = dialog.peer.transport == .udp ? "UDP" : "TCP"
        return SIPMessage(
            .request(method: .bye, uri: dialog.remoteTarget),
            headers: [
                ("Via", "SIP/2.0/\(transport) \(advertisedHost):\(port);rport;branch=z9hG4bK\(Self.token(16))"),
                ("From", dialog.from), ("To", dialog.to), ("Call-ID", dialog.callID), ("CSeq", "2 BYE"),
                ("Max-Forwards", "70"), ("User-Agent", "Skygate"),
            ])
    }

    private func message(
        to device: String, at peer: SIPPeer, cseq: Int, body: [UInt8], method: SIPMethod = .message
    ) -> SIPMessage {
        let transport = peer.transport == .udp ? "UDP" : "TCP"
        let peerHost = peer.host.contains(":") ? "[\(peer.host)]" : peer.host
        return SIPMessage(
            .request(method: method, uri: "sip:\(device)@\(peerHost):\(peer.port)"),
            headers: [
                ("Via", "SIP/2.0/\(transport) \(advertisedHost):\(port);rport;branch=z9hG4bK\(Self.token(16))"),
                ("From", "<sip:\(configuration.serverID)@\(configuration.domain)>;tag=\(Self.token(8))"),
                ("To", "<sip:\(device)@\(configuration.domain)>"),
                ("Call-ID", "\(Self.token(16))@\(advertisedHost)"),
                ("CSeq", "\(cseq) \(method.rawValue)"),
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
