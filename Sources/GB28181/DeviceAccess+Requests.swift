import CameraRegistry
import Foundation
import Logging
import Synchronization

/// The server's side of what it asks devices and what they report unasked: catalog queries and their answers,
/// catalog notifications, alarms, and the responses to its own requests.
extension DeviceAccess {
    /// Sends a MANSCDP query to a registered device, a moment after the answer that prompted it.
    func query(_ command: String, device: String, at peer: SIPPeer) {
        guard let (send, requests) = link.withLock({ $0 }) else { return }
        let serialNumber = state.withLock { state in
            state.serialNumber += 1
            return state.serialNumber
        }
        let request = requests.query(command, device: device, serialNumber: serialNumber, to: peer)
        persistence.asyncAfter(deadline: .now() + 0.2) { [self] in
            state.withLock { $0.transactions.start(request, to: peer, at: now()) }
            send(request, peer)
        }
    }

    /// Records an alarm, then tells the device it was received (its `Response` MESSAGE): a device resends an alarm it
    /// gets no Response for.
    func alarm(_ alarm: GBAlarm, from peer: SIPPeer) {
        persistence.async { [self] in
            do { try onAlarm(alarm) } catch {
                logger.error("cannot record a device alarm", metadata: ["device": "\(alarm.device)", "error": "\(error)"])
                return
            }
            logger.info(
                "device alarm", metadata: ["device": "\(alarm.device)", "source": "\(alarm.source)", "alarm": "\(alarm.name)"])
            guard let (send, requests) = link.withLock({ $0 }) else { return }
            let response = requests.alarmResponse(device: alarm.source, serialNumber: alarm.serialNumber, to: peer)
            state.withLock { $0.transactions.start(response, to: peer, at: now()) }
            send(response, peer)
        }
    }

    /// A response to one of this server's requests.
    func response(_ message: SIPMessage, from peer: SIPPeer) {
        guard let request = state.withLock({ $0.transactions.match(message) }), let status = message.status else { return }
        if request.request.method == .invite, status >= 200, let branch = ClientTransactions.branch(of: request.request),
            let invitation = state.withLock({ $0.invitations.removeValue(forKey: branch) })
        {
            return answer(message, to: invitation)
        }
        if request.request.method == .subscribe, status >= 200 {
            return subscriptionAnswered(message, request: request.request, status: status)
        }
        guard status >= 300 else { return }
        logger.notice(
            "a device refused a request",
            metadata: ["device": "\(request.request.header("To") ?? "")", "status": "\(status)", "from": "\(peer)"])
    }

    /// A part of a catalog answer (gathered until whole) or a catalog notification (applied at once: ADD, UPDATE, ON,
    /// OFF and the like update, DEL removes).
    func catalog(_ part: CatalogPart, at: Date) {
        guard part.events.isEmpty else {
            let removed = part.items.filter { part.events[$0.id] == "DEL" }.map(\.id)
            let changed = part.items.filter { part.events[$0.id] != "DEL" }
            persistence.async { [registry, logger, configuration] in
                do {
                    if !changed.isEmpty {
                        _ = try registry.applyGBCatalog(
                            device: part.device, items: changed, newChannelMode: configuration.newChannelMode)
                    }
                    if !removed.isEmpty { _ = try registry.removeGBCatalogItems(device: part.device, ids: removed) }
                } catch {
                    logger.error(
                        "cannot apply a catalog notification", metadata: ["device": "\(part.device)", "error": "\(error)"])
                }
            }
            return
        }
        guard let whole = state.withLock({ $0.catalogs.add(part, at: at) }) else { return }
        apply(catalog: whole.items, of: whole.device)
    }

    func apply(catalog items: [GBCatalogItem], of device: String) {
        persistence.async { [registry, logger, configuration] in
            do {
                _ = try registry.applyGBCatalog(device: device, items: items, newChannelMode: configuration.newChannelMode)
            } catch {
                logger.error("cannot apply a catalog", metadata: ["device": "\(device)", "error": "\(error)"])
            }
        }
    }
}
