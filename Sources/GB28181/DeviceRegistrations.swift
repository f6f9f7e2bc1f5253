import CameraRegistry
public import Foundation

/// When a registered device counts as gone: no keepalive (and no new REGISTER) for `interval × count`. The
/// standard's defaults are 60 s and 3; devices are configured to match the platform.
public struct KeepalivePolicy: Sendable, Equatable {
    public var interval: TimeInterval
    public var count: Int

    public init(interval: TimeInterval = 60, count: Int = 3) {
        self.interval = interval
        self.count = count
    }

    public var silenceLimit: TimeInterval { interval * Double(count) }
}

/// Which devices are registered and online, as a value that takes time as an input: the SIP server feeds it
/// REGISTERs, keepalives and a clock tick, and persists every registration it returns.
struct DeviceRegistrations: Sendable {
    private(set) var registrations: [String: GBRegistration] = [:]
    let policy: KeepalivePolicy

    /// Restores what was persisted: a device that was online, whose registration has not expired and whose last
    /// sign of life is within the policy's bound stays online across a restart.
    init(restoring devices: [GBDevice], policy: KeepalivePolicy, at now: Date) {
        self.policy = policy
        for device in devices {
            guard var registration = device.registration else { continue }
            registration.online = registration.online && isAlive(registration, at: now)
            registrations[device.id.rawValue] = registration
        }
    }

    func isAlive(_ registration: GBRegistration, at now: Date) -> Bool {
        now < registration.expiresAt
            && now.timeIntervalSince(registration.lastKeepalive ?? registration.registeredAt) <= policy.silenceLimit
    }

    func registration(_ device: String) -> GBRegistration? { registrations[device] }

    func isOnline(_ device: String) -> Bool { registrations[device]?.online == true }

    /// A successful REGISTER with `expires` > 0.
    mutating func register(
        _ device: String, address: String, expires: Int, version: String?, userAgent: String?, at now: Date
    ) -> GBRegistration {
        let registration = GBRegistration(
            address: address, registeredAt: now, expiresAt: now.addingTimeInterval(TimeInterval(expires)), lastKeepalive: nil,
            online: true, version: version, userAgent: userAgent)
        registrations[device] = registration
        return registration
    }

    /// A successful REGISTER with `Expires: 0`: offline at once. Nil when it was not registered.
    mutating func unregister(_ device: String) -> GBRegistration? {
        guard var registration = registrations[device] else { return nil }
        registration.online = false
        registration.expiresAt = min(registration.expiresAt, registration.registeredAt)
        registrations[device] = registration
        return registration
    }

    /// A keepalive from `address`. Nil when the device is not registered and online: it must register first (a
    /// keepalive proves no identity, so it never brings a device back).
    mutating func keepalive(_ device: String, address: String, at now: Date) -> GBRegistration? {
        guard var registration = registrations[device], registration.online else { return nil }
        registration.lastKeepalive = now
        registration.address = address
        registrations[device] = registration
        return registration
    }

    /// The devices that went offline since the last sweep (registration expired, or silent too long).
    mutating func sweep(at now: Date) -> [(device: String, registration: GBRegistration)] {
        var gone: [(String, GBRegistration)] = []
        for (device, var registration) in registrations where registration.online && !isAlive(registration, at: now) {
            registration.online = false
            registrations[device] = registration
            gone.append((device, registration))
        }
        return gone.sorted { $0.0 < $1.0 }
    }
}
