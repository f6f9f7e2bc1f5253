import Foundation
public import Geo

/// The levels of the management-grid hierarchy, coarsest first.
public enum GridLevel: String, Sendable, CaseIterable, Codable, Comparable {
    case district, street, community, grid

    /// 0 for a district … 3 for a grid.
    public var depth: Int { GridLevel.allCases.firstIndex(of: self)! }
    public static func < (lhs: GridLevel, rhs: GridLevel) -> Bool { lhs.depth < rhs.depth }
}

/// A camera point.
public struct Camera: Sendable, Hashable {
    public var id: DeviceID
    public var name: String
    public var mainStream: StreamEndpoint
    public var subStream: StreamEndpoint?
    /// WGS-84; nil when the camera's position is not known (it then links to no grid).
    public var location: Coordinate?
    /// The position was given in GCJ-02 and converted.
    public var convertedFromGCJ02: Bool
    public var vendor: String
    public var model: String
    /// Recorded, patrolled or off.
    public var mode: CameraMode
    /// Sorted, without duplicates.
    public var tags: [String]
    /// Why this camera records (privacy: purpose limitation).
    public var purpose: String
    /// How many days its recordings are kept.
    public var retentionDays: Int
    /// Its RTSP transport, if pinned; nil: TCP, then UDP if the server refuses TCP.
    public var rtspTransport: RTSPTransport?

    public init(
        id: DeviceID, name: String, mainStream: StreamEndpoint, subStream: StreamEndpoint? = nil, location: Coordinate?,
        convertedFromGCJ02: Bool = false, vendor: String = "", model: String = "", mode: CameraMode = .record,
        tags: [String] = [],
        purpose: String = "", retentionDays: Int = 30, rtspTransport: RTSPTransport? = nil
    ) {
        self.id = id
        self.name = name
        self.mainStream = mainStream
        self.subStream = subStream
        self.location = location
        self.convertedFromGCJ02 = convertedFromGCJ02
        self.vendor = vendor
        self.model = model
        self.mode = mode
        self.tags = Array(Set(tags)).sorted()
        self.purpose = purpose
        self.retentionDays = retentionDays
        self.rtspTransport = rtspTransport
    }
}

/// A management grid (网格) or one of its ancestors.
public struct Grid: Sendable, Hashable {
    public var id: String
    public var name: String
    public var level: GridLevel
    public var parentID: String?
    public var area: Area

    public init(id: String, name: String, level: GridLevel, parentID: String?, area: Area) {
        self.id = id
        self.name = name
        self.level = level
        self.parentID = parentID
        self.area = area
    }
}

/// Kinds of key location (重点部位).
public enum KeyLocationCategory: String, Sendable, CaseIterable, Codable {
    case school, hospital, transportHub = "transport_hub", market, government, residential, other
}

/// A key location: a place whose nearby cameras and sensors matter more.
public struct KeyLocation: Sendable, Hashable {
    public var id: String
    public var name: String
    public var category: KeyLocationCategory
    public var geometry: Geometry
    /// Cameras and sensors within this many metres of the place are linked to it.
    public var alertRadius: Double

    public init(id: String, name: String, category: KeyLocationCategory, geometry: Geometry, alertRadius: Double) {
        self.id = id
        self.name = name
        self.category = category
        self.geometry = geometry
        self.alertRadius = alertRadius
    }

    /// Metres from `point` to the place (0 inside an area).
    public func distance(from point: Coordinate) -> Double {
        switch geometry {
        case .point(let place): place.distance(to: point)
        case .area(let area): area.distance(from: point)
        }
    }
}

/// Kinds of sensor.
public enum SensorKind: String, Sendable, CaseIterable, Codable {
    case smoke, gas, waterLevel = "water_level", door, alarmButton = "alarm_button", other
}

/// A sensor, placed by its own coordinates or by the camera it sits with.
public struct Sensor: Sendable, Hashable {
    public var id: DeviceID
    public var name: String
    public var kind: SensorKind
    public var location: Coordinate?
    public var convertedFromGCJ02: Bool
    public var cameraID: DeviceID?

    public init(
        id: DeviceID, name: String, kind: SensorKind, location: Coordinate?, convertedFromGCJ02: Bool = false, cameraID: DeviceID?
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.location = location
        self.convertedFromGCJ02 = convertedFromGCJ02
        self.cameraID = cameraID
    }
}

/// A link from a camera or sensor to a key location within its radius.
public struct KeyLocationLink: Sendable, Hashable, Codable {
    public var locationID: String
    public var name: String
    public var category: KeyLocationCategory
    /// Metres from the device to the place.
    public var distance: Double

    public init(locationID: String, name: String, category: KeyLocationCategory, distance: Double) {
        self.locationID = locationID
        self.name = name
        self.category = category
        self.distance = distance
    }
}

/// Checks a name or free-text field (the registry's, a sensor alarm's): not empty where required, one line, at most
/// 200 characters, no control characters (C0, DEL or C1: a terminal escape in a name reached `events list`).
public func validateText(_ value: String, field: String, required: Bool = true) throws {
    if required && value.trimmingCharacters(in: .whitespaces).isEmpty {
        throw RegistryError(.invalid, "\(field) is empty")
    }
    guard value.count <= 200 else { throw RegistryError(.invalid, "\(field) is longer than 200 characters") }
    guard !value.unicodeScalars.contains(where: isControlCharacter) else {
        throw RegistryError(.invalid, "\(field) contains control characters")
    }
}

/// C0, DEL or C1: what `validateText` refuses.
func isControlCharacter(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) }

/// Text from a device (a GB/T 28181 catalog name, an alarm's description) made safe rather than refused, so that a
/// device's channel or alarm is not lost for its text: control characters removed, trimmed, at most `limit`
/// characters, so that it passes `validateText`.
public func cleanedText(_ text: String, limit: Int = 200) -> String {
    String(
        String(String.UnicodeScalarView(text.unicodeScalars.filter { !isControlCharacter($0) })).trimmingCharacters(
            in: .whitespaces
        ).prefix(limit))
}

/// Checks a grid or key-location ID: 1–64 letters, digits, '.', '_' or '-'.
func validateAreaID(_ value: String, field: String) throws {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".unicodeScalars)
    guard (1...64).contains(value.count), value.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
        throw RegistryError(.invalid, "\(field) '\(value.prefix(80))' must be 1–64 letters, digits, '.', '_' or '-'")
    }
}
