import Geo

/// A camera as the CLI and the API show it (JSON): stream URLs redacted, the GB/T 28181 code decoded, links resolved.
public struct CameraView: Codable, Sendable {
    public var id: String
    public var name: String
    public var mainUrl: String
    public var subUrl: String?
    public var longitude: Double?
    public var latitude: Double?
    public var convertedFromGcj02: Bool
    public var vendor: String
    public var model: String
    /// "record", "patrol" or "off".
    public var mode: CameraMode
    public var tags: [String]
    public var purpose: String
    public var retentionDays: Int
    /// "tcp", "udp", "udp_multicast" or "http" when pinned; absent: automatic (TCP, then UDP if refused).
    public var rtspTransport: RTSPTransport?
    public var gb28181: GB28181Code?
    public var gridPath: [GridSummary]
    public var keyLocations: [KeyLocationLink]
    /// Only in the answer to a change: the streams whose stored credentials were dropped because their URL now points
    /// at another scheme, host or port.
    public var credentialsDropped: [StreamRole]?

    public init(_ record: CameraRecord) {
        let camera = record.camera
        id = camera.id.rawValue
        name = camera.name
        mainUrl = camera.mainStream.redacted
        subUrl = camera.subStream?.redacted
        longitude = camera.location?.longitude
        latitude = camera.location?.latitude
        convertedFromGcj02 = camera.convertedFromGCJ02
        vendor = camera.vendor
        model = camera.model
        mode = camera.mode
        tags = camera.tags
        purpose = camera.purpose
        retentionDays = camera.retentionDays
        rtspTransport = camera.rtspTransport
        gb28181 = camera.id.code
        gridPath = record.gridPath
        keyLocations = record.keyLocations
    }
}

/// A sensor as the CLI and the API show it.
public struct SensorView: Codable, Sendable {
    public var id: String
    public var name: String
    public var kind: String
    public var longitude: Double?
    public var latitude: Double?
    public var cameraId: String?
    public var gridPath: [GridSummary]
    public var keyLocations: [KeyLocationLink]

    public init(_ record: SensorRecord) {
        id = record.sensor.id.rawValue
        name = record.sensor.name
        kind = record.sensor.kind.rawValue
        longitude = record.sensor.location?.longitude
        latitude = record.sensor.location?.latitude
        cameraId = record.sensor.cameraID?.rawValue
        gridPath = record.gridPath
        keyLocations = record.keyLocations
    }
}

/// A grid as the CLI and the API show it.
public struct GridView: Codable, Sendable {
    public var id: String
    public var name: String
    public var level: String
    public var parent: String?
    public var polygons: Int
    public var bounds: [Double]

    public init(_ grid: Grid) {
        id = grid.id
        name = grid.name
        level = grid.level.rawValue
        parent = grid.parentID
        polygons = grid.area.polygons.count
        bounds = [
            grid.area.bounds.minLongitude, grid.area.bounds.minLatitude, grid.area.bounds.maxLongitude,
            grid.area.bounds.maxLatitude,
        ]
    }
}

/// A key location as the CLI and the API show it.
public struct KeyLocationView: Codable, Sendable {
    public var id: String
    public var name: String
    public var category: String
    public var radiusM: Double
    public var distanceM: Double?

    public init(_ location: KeyLocation, distance: Double? = nil) {
        id = location.id
        name = location.name
        category = location.category.rawValue
        radiusM = location.alertRadius
        distanceM = distance
    }
}

extension Array where Element == GridSummary {
    /// "YX › YX-S1 › YX-S1-C1 › YX-S1-C1-G1", or "-".
    public var pathText: String { isEmpty ? "-" : map(\.id).joined(separator: " › ") }
}
