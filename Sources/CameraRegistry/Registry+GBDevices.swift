public import Foundation
internal import GRDB

/// How a GB/T 28181 device sends live video when invited: RTP over TCP to a port Skygate listens on (the default:
/// loss over UDP smears pictures) or over UDP. Some devices can do only one (Huawei: no TCP-passive).
public enum GBMediaTransport: String, Sendable, Codable, CaseIterable {
    case tcpPassive = "tcp"
    case udp
}

/// A GB/T 28181 device's registration as the SIP server last saw it: enough for a restart to keep it online.
public struct GBRegistration: Sendable, Hashable, Codable {
    /// Where its requests came from, as `udp:HOST:PORT` or `tcp:HOST:PORT`: requests go back there, never to the
    /// Contact header (NAT).
    public var address: String
    public var registeredAt: Date
    public var expiresAt: Date
    public var lastKeepalive: Date?
    public var online: Bool
    /// `X-GB-Ver` of its REGISTER (`3.0` for the 2022 text); nil when it sent none (2016 devices).
    public var version: String?
    public var userAgent: String?

    public init(
        address: String, registeredAt: Date, expiresAt: Date, lastKeepalive: Date? = nil, online: Bool,
        version: String? = nil, userAgent: String? = nil
    ) {
        self.address = address
        self.registeredAt = registeredAt
        self.expiresAt = expiresAt
        self.lastKeepalive = lastKeepalive
        self.online = online
        self.version = version
        self.userAgent = userAgent
    }
}

/// What a device says of itself when asked (its `DeviceInfo` answer): kept as it was sent, for the operator and
/// for filing completeness.
public struct GBDeviceInfo: Sendable, Hashable, Codable {
    /// `DeviceName`, the device's own name (the registry's `name` is the operator's).
    public var name: String?
    public var manufacturer: String?
    public var model: String?
    public var firmware: String?
    /// `Channel`: how many channels the device says it has (its catalog may list fewer).
    public var channels: Int?
    public var receivedAt: Date

    public init(
        name: String? = nil, manufacturer: String? = nil, model: String? = nil, firmware: String? = nil, channels: Int? = nil,
        receivedAt: Date
    ) {
        self.name = name
        self.manufacturer = manufacturer
        self.model = model
        self.firmware = firmware
        self.channels = channels
        self.receivedAt = receivedAt
    }
}

/// A device's clock against the gateway's, from the `DeviceTime` of its DeviceStatus answer.
public struct GBDeviceClock: Sendable, Hashable, Codable {
    /// Seconds the device's clock is ahead of the gateway's (negative: behind). `DeviceTime` is given in whole seconds
    /// (local time, as the standard writes times), so the offset is good to about half a second, plus the answer's way.
    public var offset: Double
    public var measuredAt: Date

    public init(offset: Double, measuredAt: Date) {
        self.offset = offset
        self.measuredAt = measuredAt
    }
}

/// A camera, NVR or lower platform allowed to register to this gateway over SIP. Its password is never part of it:
/// only the SIP server reads it (`gbDevicePassword`).
public struct GBDevice: Sendable, Hashable, Codable {
    public var id: DeviceID
    public var name: String
    public var mediaTransport: GBMediaTransport
    /// Nil until it first registers.
    public var registration: GBRegistration?
    /// Nil until it answers a DeviceInfo query.
    public var info: GBDeviceInfo?
    /// Nil until it answers a DeviceStatus query with its time.
    public var clock: GBDeviceClock?

    public init(
        id: DeviceID, name: String = "", mediaTransport: GBMediaTransport = .tcpPassive, registration: GBRegistration? = nil,
        info: GBDeviceInfo? = nil, clock: GBDeviceClock? = nil
    ) {
        self.id = id
        self.name = name
        self.mediaTransport = mediaTransport
        self.registration = registration
        self.info = info
        self.clock = clock
    }
}

extension GBDevice {
    enum CodingKeys: String, CodingKey { case id, name, mediaTransport, registration, info, clock }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try DeviceID(try container.decode(String.self, forKey: .id), lenient: true)
        name = try container.decode(String.self, forKey: .name)
        mediaTransport = try container.decode(GBMediaTransport.self, forKey: .mediaTransport)
        registration = try container.decodeIfPresent(GBRegistration.self, forKey: .registration)
        info = try container.decodeIfPresent(GBDeviceInfo.self, forKey: .info)
        clock = try container.decodeIfPresent(GBDeviceClock.self, forKey: .clock)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.rawValue, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(mediaTransport, forKey: .mediaTransport)
        try container.encodeIfPresent(registration, forKey: .registration)
        try container.encodeIfPresent(info, forKey: .info)
        try container.encodeIfPresent(clock, forKey: .clock)
    }
}

extension Registry {
    /// Allows a device to register with `password`, or changes its name, transport and password. There is no
    /// default password: each device has its own, sealed like stream credentials.
    public func saveGBDevice(_ device: GBDevice, password: String, audit: () throws -> Void = {}) throws {
        guard device.id.code != nil || lenientIDs else {
            throw RegistryError(.invalid, "device ID '\(device.id)' is not a 20-digit GB/T 28181 ID")
        }
        try validateText(device.name, field: "name", required: false)
        guard password.count >= 8, password.count <= 128, !password.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
        else {
            throw RegistryError(.invalid, "a device password must be 8 to 128 characters on one line")
        }
        let sealed = try vault.seal(username: nil, password: password)
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO gb_device (id, name, password, media_transport) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, password = excluded.password,
                        media_transport = excluded.media_transport
                    """,
                arguments: [device.id.rawValue, device.name, sealed, device.mediaTransport.rawValue])
            try audited(audit)
        }
    }

    /// Forgets a device and its registration; its channels stay cameras until removed.
    public func removeGBDevice(id: String, audit: () throws -> Void = {}) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM gb_device WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw RegistryError(.notFound, "no GB/T 28181 device \(id)") }
            try audited(audit)
        }
    }

    /// Every device allowed to register, by ID.
    public func gbDevices() throws -> [GBDevice] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM gb_device ORDER BY id").map(Self.gbDevice) }
    }

    public func gbDevice(id: String) throws -> GBDevice? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM gb_device WHERE id = ?", arguments: [id]).map(Self.gbDevice) }
    }

    /// Every device's password, for the SIP server's digest checks (read once, then on registry changes: an
    /// unauthenticated request must cost no database access).
    public func gbDevicePasswords() throws -> [String: String] {
        let sealed = try read { db in
            try Row.fetchAll(db, sql: "SELECT id, password FROM gb_device").map { ($0["id"] as String, $0["password"] as Data) }
        }
        var passwords: [String: String] = [:]
        for (id, data) in sealed { passwords[id] = try vault.open(data).password ?? "" }
        return passwords
    }

    /// Records a device's registration state. Not a registry change: ingest and the engine are not told (a keepalive
    /// a minute from each of 1,000 devices would make them reload the registry every few milliseconds).
    public func recordGBRegistration(device id: String, _ registration: GBRegistration?) throws {
        do {
            try database.write { db in
                try db.execute(
                    sql: """
                        UPDATE gb_device SET address = ?, registered_at = ?, expires_at = ?, last_keepalive = ?, online = ?,
                            gb_version = ?, user_agent = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        registration?.address, registration?.registeredAt.timeIntervalSince1970,
                        registration?.expiresAt.timeIntervalSince1970, registration?.lastKeepalive?.timeIntervalSince1970,
                        registration?.online ?? false, registration?.version, registration?.userAgent, id,
                    ])
            }
        } catch {
            throw RegistryError(.storeFailed, "cannot record the registration of \(id): \(error)")
        }
    }

    /// Records what a device said in its DeviceInfo answer. Like a registration, not a registry change.
    public func recordGBDeviceInfo(device id: String, _ info: GBDeviceInfo) throws {
        do {
            try database.write { db in
                try db.execute(
                    sql: """
                        UPDATE gb_device SET device_name = ?, manufacturer = ?, model = ?, firmware = ?, channel_count = ?,
                            info_at = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        info.name, info.manufacturer, info.model, info.firmware, info.channels,
                        info.receivedAt.timeIntervalSince1970, id,
                    ])
            }
        } catch {
            throw RegistryError(.storeFailed, "cannot record the device information of \(id): \(error)")
        }
    }

    /// Records a device's clock, measured from its DeviceStatus answer. Like a registration, not a registry change.
    public func recordGBDeviceClock(device id: String, _ clock: GBDeviceClock) throws {
        do {
            try database.write { db in
                try db.execute(
                    sql: "UPDATE gb_device SET clock_offset = ?, clock_at = ? WHERE id = ?",
                    arguments: [clock.offset, clock.measuredAt.timeIntervalSince1970, id])
            }
        } catch {
            throw RegistryError(.storeFailed, "cannot record the clock of \(id): \(error)")
        }
    }

    static func gbDevice(_ row: Row) throws -> GBDevice {
        let registration: GBRegistration? = (row["address"] as String?).map { address in
            GBRegistration(
                address: address, registeredAt: Date(timeIntervalSince1970: row["registered_at"] ?? 0),
                expiresAt: Date(timeIntervalSince1970: row["expires_at"] ?? 0),
                lastKeepalive: (row["last_keepalive"] as Double?).map(Date.init(timeIntervalSince1970:)), online: row["online"],
                version: row["gb_version"], userAgent: row["user_agent"])
        }
        let info: GBDeviceInfo? = (row["info_at"] as Double?).map { at in
            GBDeviceInfo(
                name: row["device_name"], manufacturer: row["manufacturer"], model: row["model"], firmware: row["firmware"],
                channels: row["channel_count"], receivedAt: Date(timeIntervalSince1970: at))
        }
        let clock: GBDeviceClock? = (row["clock_at"] as Double?).flatMap { at in
            (row["clock_offset"] as Double?).map { GBDeviceClock(offset: $0, measuredAt: Date(timeIntervalSince1970: at)) }
        }
        return GBDevice(
            id: try DeviceID(row["id"], lenient: true), name: row["name"],
            mediaTransport: GBMediaTransport(rawValue: row["media_transport"]) ?? .tcpPassive, registration: registration,
            info: info, clock: clock)
    }
}
