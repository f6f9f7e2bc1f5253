import CameraRegistry
import Foundation
import Logging
import Synchronization

extension GBDeviceInfo {
    /// A device's `<Response><CmdType>DeviceInfo</CmdType>…` answer; nil for any other message, or one whose
    /// `Result` is not OK.
    init?(answer message: MANSCDPMessage, receivedAt: Date) {
        guard message.kind.caseInsensitiveCompare("Response") == .orderedSame,
            message.command?.caseInsensitiveCompare("DeviceInfo") == .orderedSame,
            message.root.value("Result").map({ $0.caseInsensitiveCompare("OK") == .orderedSame }) ?? true
        else { return nil }
        self.init(
            name: message.root.value("DeviceName"), manufacturer: message.root.value("Manufacturer"),
            model: message.root.value("Model"), firmware: message.root.value("Firmware"),
            channels: message.root.value("Channel").flatMap { Int($0) }, receivedAt: receivedAt)
    }
}

/// What the server asks a device once it registers (its catalog, its device information and status) and keeps asking
/// (a catalog subscription, refreshed before it lapses).
extension DeviceAccess {
    /// The queries sent on every successful registration, and on an operator's demand: the catalog, the device's
    /// information, and its status (for its clock).
    func queryEverything(_ device: String, at peer: SIPPeer) {
        query("Catalog", device: device, at: peer)
        query("DeviceInfo", device: device, at: peer)
        query("DeviceStatus", device: device, at: peer)
    }

    /// Asks a registered device again for its catalog, device information and status (an operator's refresh); false when
    /// it is not registered and online (or the server is not listening yet), so there is nobody to ask.
    func refresh(device: String) -> Bool {
        guard link.withLock({ $0 != nil }), let peer = onlinePeer(device) else { return false }
        queryEverything(device, at: peer)
        return true
    }

    /// Where a registered, online device is reached (its learned source address); nil when it is not online.
    func onlinePeer(_ device: String) -> SIPPeer? {
        guard let registration = state.withLock({ $0.registrations.registration(device) }), registration.online else {
            return nil
        }
        return SIPPeer(description: registration.address)
    }

    /// A device's DeviceInfo answer, kept with its registration.
    func record(_ info: GBDeviceInfo, of device: String) {
        persistence.async { [registry, logger] in
            do { try registry.recordGBDeviceInfo(device: device, info) } catch {
                logger.error("cannot record device information", metadata: ["device": "\(device)", "error": "\(error)"])
            }
        }
    }

    /// Sends the SUBSCRIBEs due now: new subscriptions for devices that registered, refreshes for those near their
    /// end. Called by `tick`.
    func subscribeWhereDue(at now: Date) {
        guard let (send, requests) = link.withLock({ $0 }) else { return }
        let due = state.withLock { state in
            let online = state.registrations.registrations.filter(\.value.online)
            let entries = state.subscriptions.due(online: online.mapValues(\.registeredAt), at: now)
            return entries.compactMap { entry -> (SIPMessage, SIPPeer)? in
                guard let address = online[entry.device]?.address, let peer = SIPPeer(description: address) else { return nil }
                state.serialNumber += 1
                let request = requests.subscribe(
                    device: entry.device, serialNumber: state.serialNumber, expires: Int(state.subscriptions.period),
                    to: peer, within: entry.refresh)
                state.transactions.start(request, to: peer, at: now)
                return (request, peer)
            }
        }
        for (request, peer) in due { send(request, peer) }
    }

    /// The final answer to a SUBSCRIBE.
    func subscriptionAnswered(_ response: SIPMessage, request: SIPMessage, status: Int) {
        guard let device = request.header("To").flatMap(SIPURI.user(inHeader:)) else { return }
        let at = now()
        guard status < 300 else {
            state.withLock { $0.subscriptions.refused(device, at: at) }
            logger.notice("a device refused a catalog subscription", metadata: ["device": "\(device)", "status": "\(status)"])
            return
        }
        let dialog = SubscriptionDialog(
            callID: request.header("Call-ID") ?? "", from: request.header("From") ?? "", to: response.header("To") ?? "",
            remoteTarget: response.header("Contact").flatMap(SIPURI.address(inHeader:)) ?? request.requestURI ?? "",
            cseq: Int(request.cseq?.number ?? 1))
        let expires = response.header("Expires").flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
        state.withLock { $0.subscriptions.accepted(device, dialog: dialog, expires: expires, at: at) }
        logger.info("catalog subscription active", metadata: ["device": "\(device)", "expires": "\(expires ?? -1)"])
    }

    /// SUBSCRIBEs that got no final answer.
    func subscriptionsTimedOut(_ entries: [ClientTransactions.Pending]) {
        let at = now()
        for entry in entries where entry.request.method == .subscribe {
            guard let device = entry.request.header("To").flatMap(SIPURI.user(inHeader:)) else { continue }
            state.withLock { $0.subscriptions.unanswered(device, at: at) }
        }
    }
}
