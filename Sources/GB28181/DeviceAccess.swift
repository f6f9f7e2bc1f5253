import CameraRegistry
import Dispatch
import Foundation
import Logging
import Synchronization

/// Device access: REGISTER with digest, keepalives, and offline detection, for the devices in the registry.
///
/// `handle` runs on the SIP transport's event loop and never touches the database: passwords are read into memory
/// (again when the registry changes, by `tick`), and registrations are persisted by a serial queue of their own.
/// So an unauthenticated request costs a parse, a rate-limit check and at most a 401, and nothing else.
final class DeviceAccess: Sendable {
    struct State: Sendable {
        var registrations: DeviceRegistrations
        var passwords: [String: String]
        var registryVersion: RegistryVersion
        var limiter: SourceRateLimiter
        var transactions = ClientTransactions()
        var catalogs = CatalogAssembler()
        var subscriptions: CatalogSubscriptions
        var serialNumber = 1
        /// Invitations awaiting their final answer, by the INVITE's branch.
        var invitations: [String: Invitation] = [:]
        /// Live sessions, by Call-ID: what ends them, from either side.
        var sessions: [String: LiveSession] = [:]
        var ssrcSequence = 0
        /// Each device's clock against this gateway's, in seconds, from its latest DeviceStatus answer, together
        /// with the query (its SN) the answer was to, so a resent answer is read once.
        var clocks: [String: (offset: Double, serialNumber: Int?)] = [:]
        /// Counters for status and metrics.
        var refused = 0
        var dropped = 0
    }

    let configuration: GBConfiguration
    let registry: Registry
    let state: Mutex<State>
    private let nonces: NonceMint
    let persistence = DispatchQueue(label: "skygate.gb.registrations")
    let logger: Logger
    let now: @Sendable () -> Date
    /// Records a device's alarm (as an event); called on the persistence queue. The device is answered with the
    /// alarm's Response only once it returns.
    let onAlarm: @Sendable (GBAlarm) throws -> Void
    /// How requests reach devices, once the transport is bound.
    let link = Mutex<(send: @Sendable (SIPMessage, SIPPeer) -> Void, requests: SIPRequests)?>(nil)
    /// The To tag of this server's responses; one per process is enough for responses outside dialogs.
    let tag = String(UInt32.random(in: 1...UInt32.max), radix: 16)

    init(
        configuration: GBConfiguration, registry: Registry, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
        onAlarm: @escaping @Sendable (GBAlarm) throws -> Void = { _ in }
    ) throws {
        self.onAlarm = onAlarm
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        self.now = now
        nonces = NonceMint()
        let version = try registry.version()
        let devices = try registry.gbDevices()
        let restored = DeviceRegistrations(restoring: devices, policy: configuration.keepalive, at: now())
        var restoredState = State(
            registrations: restored, passwords: try registry.gbDevicePasswords(), registryVersion: version,
            limiter: SourceRateLimiter(rate: configuration.unauthenticatedRate, burst: 2 * configuration.unauthenticatedRate),
            subscriptions: CatalogSubscriptions(period: TimeInterval(configuration.catalogSubscription)))
        // A device still registered is asked again only when it registers again: until then, its last reading stands.
        for device in devices {
            if let clock = device.clock { restoredState.clocks[device.id.rawValue] = (clock.offset, nil) }
        }
        state = Mutex(restoredState)
        let online = restored.registrations.values.filter(\.online).count
        logger.info("GB/T 28181 registrations restored", metadata: ["online": "\(online)"])
    }

    /// Gives the server a way to send requests, once its sockets are bound.
    func attach(port: Int, send: @escaping @Sendable (SIPMessage, SIPPeer) -> Void) {
        let requests = SIPRequests(configuration: configuration, advertisedHost: configuration.advertised, port: port)
        link.withLock { $0 = (send, requests) }
    }

    /// The answer to a request, or nil to send none (a response, a rate-limited or unparseable request).
    func handle(_ message: SIPMessage, from peer: SIPPeer) -> SIPMessage? {
        guard case .request(let method, _) = message.startLine else {
            response(message, from: peer)
            return nil
        }
        switch method {
        case .register: return register(message, from: peer)
        case .message, .notify: return self.message(message, from: peer)
        case .options: return message.response(200, "OK", from: peer, toTag: tag)
        case .bye: return bye(message, from: peer)
        case .ack: return nil
        default:
            guard allowUnauthenticated(peer) else { return nil }
            var answer = message.response(405, "Method Not Allowed", from: peer, toTag: tag)
            answer.headers.append(("Allow", "REGISTER, MESSAGE, OPTIONS, ACK, BYE, NOTIFY"))
            return answer
        }
    }

    /// Bytes that are not a SIP message: counted and dropped (nothing in them can be trusted to address an answer).
    func noteMalformed(error: SIPParseError, from peer: SIPPeer) {
        state.withLock { $0.dropped += 1 }
        logger.debug("malformed SIP message", metadata: ["from": "\(peer)", "error": "\(error)"])
    }

    // MARK: - REGISTER

    private func register(_ request: SIPMessage, from peer: SIPPeer) -> SIPMessage? {
        let at = now()
        guard let device = request.fromUser else {
            return allowUnauthenticated(peer)
                ? request.response(400, "Bad Request (no device ID in From)", from: peer, toTag: tag) : nil
        }
        guard let expires = Self.expires(request) else {
            return allowUnauthenticated(peer) ? request.response(400, "Bad Request (no Expires)", from: peer, toTag: tag) : nil
        }
        guard let header = request.header("Authorization"), let credentials = DigestCredentials(header: header) else {
            return allowUnauthenticated(peer) ? challenge(request, from: peer, at: at, stale: false) : nil
        }
        switch nonces.check(credentials.nonce, at: at) {
        case .forged: return allowUnauthenticated(peer) ? challenge(request, from: peer, at: at, stale: false) : nil
        case .stale: return allowUnauthenticated(peer) ? challenge(request, from: peer, at: at, stale: true) : nil
        case .valid: break
        }
        let password = state.withLock { $0.passwords[device] }
        guard let password, credentials.username == device, credentials.realm == configuration.domain,
            credentials.isValid(password: password, method: "REGISTER")
        else {
            state.withLock { $0.refused += 1 }
            logger.notice("GB/T 28181 registration refused", metadata: ["device": "\(device)", "from": "\(peer)"])
            return allowUnauthenticated(peer) ? request.response(403, "Forbidden", from: peer, toTag: tag) : nil
        }
        let granted = min(expires, configuration.maximumExpires)
        let registration = state.withLock { state in
            granted == 0
                ? state.registrations.unregister(device)
                : state.registrations.register(
                    device, address: peer.description, expires: granted, version: request.header("X-GB-Ver"),
                    userAgent: request.header("User-Agent"), at: at)
        }
        if let registration { persist(device, registration) }
        if granted > 0 { queryEverything(device, at: peer) }
        logger.info(
            granted == 0 ? "GB/T 28181 device unregistered" : "GB/T 28181 device registered",
            metadata: ["device": "\(device)", "from": "\(peer)", "expires": "\(granted)"])
        var answer = request.response(200, "OK", from: peer, toTag: tag)
        if let contact = request.header("Contact") { answer.headers.append(("Contact", contact)) }
        answer.headers.append(("Expires", "\(granted)"))
        answer.headers.append(("Date", SIPDate.text(at)))
        if let version = request.header("X-GB-Ver") { answer.headers.append(("X-GB-Ver", version)) }
        return answer
    }

    private func challenge(_ request: SIPMessage, from peer: SIPPeer, at: Date, stale: Bool) -> SIPMessage {
        var answer = request.response(401, "Unauthorized", from: peer, toTag: tag)
        let nonce = nonces.issue(at: at)
        answer.headers.append(
            (
                "WWW-Authenticate",
                #"Digest realm="\#(configuration.domain)", nonce="\#(nonce)", qop="auth", algorithm=MD5"#
                    + (stale ? ", stale=true" : "")
            ))
        return answer
    }

    /// `Expires`, or the Contact's `expires` parameter; nil when neither is a number.
    static func expires(_ request: SIPMessage) -> Int? {
        if let header = request.header("Expires") {
            return Int(header.trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 ? $0 : nil }
        }
        return request.header("Contact").flatMap { SIPURI.parameter("expires", inHeader: $0) }.flatMap { Int($0) }
    }

    // MARK: - MESSAGE

    private func message(_ request: SIPMessage, from peer: SIPPeer) -> SIPMessage? {
        let at = now()
        guard let device = request.fromUser, state.withLock({ $0.registrations.isOnline(device) }) else {
            return allowUnauthenticated(peer) ? request.response(403, "Forbidden (register first)", from: peer, toTag: tag) : nil
        }
        let body: MANSCDPMessage
        do { body = try MANSCDPMessage.decode(request.body) } catch {
            return request.response(400, "Bad Request (\(error))", from: peer, toTag: tag)
        }
        if body.kind.caseInsensitiveCompare("Notify") == .orderedSame,
            body.command?.caseInsensitiveCompare("Keepalive") == .orderedSame
        {
            if let registration = state.withLock({ $0.registrations.keepalive(device, address: peer.description, at: at) }) {
                persist(device, registration)
            }
        } else if let alarm = GBAlarm(body, device: device, receivedAt: at) {
            self.alarm(alarm, from: peer)
        } else if let info = GBDeviceInfo(answer: body, receivedAt: at) {
            record(info, of: device)
        } else if let clock = GBDeviceClock(answer: body, receivedAt: at) {
            record(clock, of: device, serialNumber: body.serialNumber)
        } else if var part = CatalogPart(body) {
            // The catalog belongs to the device that sent it, whatever its body's DeviceID says.
            part.device = device
            catalog(part, at: at)
        }
        return request.response(200, "OK", from: peer, toTag: tag)
    }

    // MARK: - Time and the registry

    /// Marks devices offline whose registration expired or whose keepalives stopped, and reloads the passwords when
    /// the registry changed. Called four times a second, off the event loop; also resends requests due over UDP and applies catalog answers whose parts stopped coming.
    func tick() {
        let at = now()
        let (due, late) = state.withLock { ($0.transactions.due(at: at), $0.catalogs.expire(at: at)) }
        if let send = link.withLock({ $0?.send }) {
            for entry in due.resend { send(entry.request, entry.peer) }
        }
        invitationsTimedOut(due.timedOut)
        subscriptionsTimedOut(due.timedOut)
        for entry in due.timedOut {
            logger.notice(
                "a device did not answer a request",
                metadata: ["to": "\(entry.peer)", "request": "\(entry.request.method?.rawValue ?? "")"])
        }
        for catalog in late {
            logger.warning(
                "a catalog answer stopped short; applying what came",
                metadata: ["device": "\(catalog.device)", "items": "\(catalog.items.count)", "expected": "\(catalog.expected)"])
            apply(catalog: catalog.items, of: catalog.device)
        }
        let gone = state.withLock { $0.registrations.sweep(at: at) }
        for (device, registration) in gone {
            logger.notice("GB/T 28181 device offline", metadata: ["device": "\(device)"])
            persist(device, registration)
        }
        subscribeWhereDue(at: at)
        do {
            let version = try registry.version()
            guard version != state.withLock({ $0.registryVersion }) else { return }
            let passwords = try registry.gbDevicePasswords()
            state.withLock {
                $0.passwords = passwords
                $0.registryVersion = version
                // A removed device's clock goes with it: re-added under its ID, it is read afresh.
                $0.clocks = $0.clocks.filter { passwords[$0.key] != nil }
            }
        } catch {
            logger.warning("cannot reload GB/T 28181 device passwords", metadata: ["error": "\(error)"])
        }
    }

    private func persist(_ device: String, _ registration: GBRegistration) {
        persistence.async { [registry, logger] in
            do { try registry.recordGBRegistration(device: device, registration) } catch {
                logger.error("cannot persist a GB/T 28181 registration", metadata: ["device": "\(device)", "error": "\(error)"])
            }
        }
    }

    /// Waits until every registration handed to the persistence queue is written.
    func flush() { persistence.sync {} }

    func allowUnauthenticated(_ peer: SIPPeer) -> Bool {
        let at = now()
        let allowed = state.withLock { $0.limiter.allow(peer.host, at: at) }
        if !allowed { state.withLock { $0.dropped += 1 } }
        return allowed
    }

    /// The devices' registrations now, for status.
    var registrations: [String: GBRegistration] { state.withLock { $0.registrations.registrations } }
}
