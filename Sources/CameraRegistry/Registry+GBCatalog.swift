public import Foundation
internal import GRDB
public import Geo
import Logging

/// One item of a GB/T 28181 device's catalog: a video channel, or a node of a platform's tree (civil region,
/// business group 215, virtual organisation 216, NVR 118).
public struct GBCatalogItem: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var manufacturer: String?
    public var model: String?
    public var owner: String?
    public var civilCode: String?
    public var address: String?
    public var parentID: String?
    /// `ON` or `OFF` as the device reports it.
    public var status: String?
    public var longitude: Double?
    public var latitude: Double?
    /// The `Info` block (PTZType, PositionType, UseType, DirectionType, Resolution, BusinessGroupID, …).
    public var info: [String: String]

    public init(
        id: String, name: String, manufacturer: String? = nil, model: String? = nil, owner: String? = nil,
        civilCode: String? = nil, address: String? = nil, parentID: String? = nil, status: String? = nil,
        longitude: Double? = nil, latitude: Double? = nil, info: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.manufacturer = manufacturer
        self.model = model
        self.owner = owner
        self.civilCode = civilCode
        self.address = address
        self.parentID = parentID
        self.status = status
        self.longitude = longitude
        self.latitude = latitude
        self.info = info
    }

    /// Characters 11–13 of a 20-digit ID are its type: 131 (camera) and 132 (network camera) carry video.
    public var isVideoChannel: Bool {
        guard id.count == 20 else { return false }
        let type = id.dropFirst(10).prefix(3)
        return type == "131" || type == "132"
    }

    /// Its position, when it gave one on Earth (devices send 0,0 for "unknown").
    public var coordinate: Coordinate? {
        guard let longitude, let latitude, longitude != 0 || latitude != 0 else { return nil }
        return try? Coordinate(longitude: longitude, latitude: latitude)
    }
}

/// What applying a catalog changed.
public struct GBCatalogChange: Sendable, Equatable {
    public var camerasAdded: [String] = []
    public var camerasUpdated: [String] = []
    public var camerasRemoved: [String] = []
    public var treeNodes = 0
}

extension Registry {
    /// The URL a GB/T 28181 channel's camera carries: which device to INVITE for which channel. Not a stream URL a
    /// demuxer opens; ingest gives these cameras a source of their own.
    public static func gbChannelURL(device: String, channel: String) -> String { "gb28181://\(device)/\(channel)" }

    /// The device and channel of a `gb28181://DEVICE/CHANNEL` URL, both GB/T 28181 IDs; nil for any other text.
    public static func gbChannelURLParts(_ url: String) -> (device: String, channel: String)? {
        guard url.hasPrefix("gb28181://") else { return nil }
        let parts = url.dropFirst("gb28181://".count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, parts.allSatisfy({ (try? DeviceID($0))?.code != nil }) else { return nil }
        return (parts[0], parts[1])
    }

    /// Adds or updates the items of a device's catalog (a full answer, or an ADD/UPDATE notification): each video
    /// channel becomes a camera with its name, vendor, model and position, linked to its grid and key locations;
    /// every item, channel or tree node, is kept with its catalog fields. A new channel gets
    /// `newChannelMode`; an existing camera keeps its mode, tags, purpose and retention.
    public func applyGBCatalog(device: String, items: [GBCatalogItem], newChannelMode: CameraMode) throws -> GBCatalogChange {
        var change = GBCatalogChange()
        try write { db in
            let linker = try linker(db)
            for item in items {
                try db.execute(
                    sql: """
                        INSERT INTO gb_channel (device_id, id, parent_id, name, item) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (device_id, id) DO UPDATE SET parent_id = excluded.parent_id, name = excluded.name,
                            item = excluded.item
                        """,
                    arguments: [
                        device, item.id, item.parentID, item.name,
                        String(decoding: try JSONEncoder().encode(item), as: UTF8.self),
                    ])
                guard item.isVideoChannel else {
                    change.treeNodes += 1
                    continue
                }
                let existing = try Row.fetchOne(db, sql: "SELECT * FROM camera WHERE id = ?", arguments: [item.id])
                    .map { try record(db, $0).camera }
                let channelID = try DeviceID(item.id)
                var camera =
                    existing
                    ?? Camera(
                        id: channelID, name: item.id,
                        mainStream: StreamEndpoint(
                            url: Self.gbChannelURL(device: device, channel: item.id), username: nil, password: nil),
                        location: nil, mode: newChannelMode, tags: ["gb28181"])
                let name = cleanedText(item.name)
                camera.name = name.isEmpty ? item.id : name
                camera.vendor = cleanedText(item.manufacturer ?? camera.vendor)
                camera.model = cleanedText(item.model ?? camera.model)
                camera.location = item.coordinate ?? camera.location
                camera.mainStream = StreamEndpoint(
                    url: Self.gbChannelURL(device: device, channel: item.id), username: nil, password: nil)
                try validate(camera, checkingURLs: false)
                try upsert(db, camera)
                try linker.relink(db, kind: "camera", id: item.id)
                if existing == nil { change.camerasAdded.append(item.id) } else { change.camerasUpdated.append(item.id) }
            }
        }
        if !change.camerasAdded.isEmpty || !change.camerasUpdated.isEmpty {
            logger.info(
                "GB/T 28181 catalog applied",
                metadata: [
                    "device": "\(device)", "added": "\(change.camerasAdded.count)", "updated": "\(change.camerasUpdated.count)",
                ])
        }
        return change
    }

    /// Removes catalog items of a device (a DEL notification): their cameras go from the registry, with their links.
    public func removeGBCatalogItems(device: String, ids: [String]) throws -> GBCatalogChange {
        var change = GBCatalogChange()
        try write { db in
            for id in ids {
                try db.execute(sql: "DELETE FROM gb_channel WHERE device_id = ? AND id = ?", arguments: [device, id])
                let url = Self.gbChannelURL(device: device, channel: id)
                guard
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM camera WHERE id = ? AND main_url = ?)", arguments: [id, url])!
                else { continue }
                if try deleteCamera(db, id: id) { change.camerasRemoved.append(id) }
            }
        }
        if !change.camerasRemoved.isEmpty {
            logger.info(
                "GB/T 28181 channels removed", metadata: ["device": "\(device)", "removed": "\(change.camerasRemoved.count)"])
        }
        return change
    }

    /// A device's catalog as last received: channels and tree nodes, by ID.
    public func gbCatalog(device: String) throws -> [GBCatalogItem] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT item FROM gb_channel WHERE device_id = ? ORDER BY id", arguments: [device]).map {
                try JSONDecoder().decode(GBCatalogItem.self, from: Data($0.utf8))
            }
        }
    }
}
