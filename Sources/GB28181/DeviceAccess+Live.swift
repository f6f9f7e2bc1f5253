import CameraRegistry
import Foundation
import Logging
import Synchronization

/// An INVITE awaiting its final answer: what to tell, and about what.
struct Invitation: Sendable {
    var device: String
    var channel: String
    var request: SIPMessage
    var peer: SIPPeer
    var completion: @Sendable (Result<LiveDialog, LiveInviteFailure>) -> Void
}

/// A live session: its dialog, and what to do when the device ends it.
struct LiveSession: Sendable {
    var dialog: LiveDialog
    var onEnded: @Sendable () -> Void
}

/// Live video sessions (GB/T 28181 §9.2): INVITE with the offer, ACK the answer, BYE from either side.
extension DeviceAccess {
    /// The next live SSRC: `0`, the domain's characters 4–8, and a 4-digit sequence.
    func nextSSRC() -> GBSSRC {
        let sequence = state.withLock { state in
            state.ssrcSequence = state.ssrcSequence % 9999 + 1
            return state.ssrcSequence
        }
        return GBSSRC(playback: false, domain: configuration.domain, sequence: sequence)
    }

    /// Invites a device's channel to send its live video as `offer` says. `completion` runs once, with the dialog
    /// (the ACK already sent) or why not; `onEnded` runs if the device sends BYE later.
    func invite(
        device: String, channel: String, ssrc: GBSSRC, offer: String,
        onEnded: @escaping @Sendable () -> Void,
        completion: @escaping @Sendable (Result<LiveDialog, LiveInviteFailure>) -> Void
    ) {
        guard let peer = onlinePeer(device) else { return completion(.failure(.deviceOffline(device))) }
        guard let (send, requests) = link.withLock({ $0 }) else { return completion(.failure(.notServing)) }
        let request = requests.invite(channel: channel, to: peer, ssrc: ssrc, offer: offer)
        guard let branch = ClientTransactions.branch(of: request) else { return completion(.failure(.notServing)) }
        let wrapped: @Sendable (Result<LiveDialog, LiveInviteFailure>) -> Void = { [self] result in
            if case .success(let dialog) = result {
                state.withLock { $0.sessions[dialog.callID] = LiveSession(dialog: dialog, onEnded: onEnded) }
            }
            completion(result)
        }
        state.withLock {
            $0.invitations[branch] = Invitation(
                device: device, channel: channel, request: request, peer: peer, completion: wrapped)
            $0.transactions.start(request, to: peer, at: now())
        }
        logger.info("inviting a channel", metadata: ["device": "\(device)", "channel": "\(channel)", "ssrc": "\(ssrc)"])
        send(request, peer)
    }

    /// Ends a live session this side started (BYE); nothing if the device already ended it.
    func hangUp(_ dialog: LiveDialog) {
        guard state.withLock({ $0.sessions.removeValue(forKey: dialog.callID) }) != nil,
            let (send, requests) = link.withLock({ $0 })
        else { return }
        let bye = requests.bye(dialog)
        state.withLock { $0.transactions.start(bye, to: dialog.peer, at: now()) }
        logger.info("ending a live session", metadata: ["device": "\(dialog.device)", "channel": "\(dialog.channel)"])
        send(bye, dialog.peer)
    }

    /// A final answer to an INVITE: ACK it, then tell whoever invited.
    func answer(_ response: SIPMessage, to invitation: Invitation) {
        guard let status = response.status, status >= 200 else { return }
        if let (send, requests) = link.withLock({ $0 }) {
            send(requests.ack(invitation.request, answer: response), invitation.peer)
        }
        guard status < 300 else {
            let reason: String
            if case .response(_, let text) = response.startLine { reason = text } else { reason = "" }
            return invitation.completion(.failure(.refused(status: status, reason: reason)))
        }
        guard let answer = GBSessionDescription.answer(String(decoding: response.body, as: UTF8.self)) else {
            // An answer this side cannot use still set up a dialog at the device: end it.
            let dialog = Self.dialog(invitation, response: response, answer: nil)
            state.withLock { $0.sessions[dialog.callID] = LiveSession(dialog: dialog, onEnded: {}) }
            hangUp(dialog)
            return invitation.completion(.failure(.unusableAnswer("no video stream in its SDP")))
        }
        invitation.completion(.success(Self.dialog(invitation, response: response, answer: answer)))
    }

    static func dialog(_ invitation: Invitation, response: SIPMessage, answer: GBSessionDescription.Answer?) -> LiveDialog {
        LiveDialog(
            device: invitation.device, channel: invitation.channel, callID: invitation.request.header("Call-ID") ?? "",
            from: invitation.request.header("From") ?? "", to: response.header("To") ?? "",
            remoteTarget: response.header("Contact").flatMap(SIPURI.address(inHeader:))
                ?? invitation.request.requestURI ?? "",
            peer: invitation.peer,
            answer: answer ?? GBSessionDescription.Answer(address: nil, port: nil, overTCP: false, ssrc: nil, payloadTypes: []))
    }

    /// A device ending a session: 200 OK, and the session's owner told.
    func bye(_ request: SIPMessage, from peer: SIPPeer) -> SIPMessage? {
        let callID = request.header("Call-ID") ?? ""
        guard let session = state.withLock({ $0.sessions.removeValue(forKey: callID) }) else {
            return allowUnauthenticated(peer)
                ? request.response(481, "Call/Transaction Does Not Exist", from: peer, toTag: tag) : nil
        }
        logger.info(
            "the device ended a live session",
            metadata: ["device": "\(session.dialog.device)", "channel": "\(session.dialog.channel)"])
        session.onEnded()
        return request.response(200, "OK", from: peer, toTag: tag)
    }

    /// Invitations that got no final answer in time.
    func invitationsTimedOut(_ entries: [ClientTransactions.Pending]) {
        for entry in entries where entry.request.method == .invite {
            guard let branch = ClientTransactions.branch(of: entry.request),
                let invitation = state.withLock({ $0.invitations.removeValue(forKey: branch) })
            else { continue }
            invitation.completion(.failure(.timedOut))
        }
    }
}
