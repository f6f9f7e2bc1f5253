import CameraRegistry
import Geo

/// A camera as the CLI shows it (JSON): stream URLs redacted, the GB/T 28181 code decoded, links resolved.
struct CameraView: Encodable {
    var id: String
    var name: String
    var mainUrl: String
    var subUrl: String?
    var longitude: Double?
    var latitude: Double?
    var convertedFromGcj02: Bool
    var vendor: String
    var model: String
    var enabled: Bool
    var tags: [String]
    var purpose: String
    var retentionDays: Int
    var gb28181: GB28181Code?
    var gridPath: [GridSummary]
    var keyLocations: [KeyLocationLink]

    init(_ record: CameraRecord) {
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
        enabled = camera.enabled
        tags = camera.tags
        purpose = camera.purpose
        retentionDays = camera.retentionDays
        gb28181 = camera.id.code
        gridPath = record.gridPath
        keyLocations = record.keyLocations
    }
}

/// A sensor as the CLI shows it.
struct SensorView: Encodable {
    var id: String
    var name: String
    var kind: String
    var longitude: Double?
    var latitude: Double?
    var cameraId: String?
    var gridPath: [GridSummary]
    var keyLocations: [KeyLocationLink]

    init(_ record: SensorRecord) {
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

/// A grid as the CLI shows it.
struct GridView: Encodable {
    var id: String
    var name: String
    var level: String
    var parent: String?
    var polygons: Int
    var bounds: [Double]

    init(_ grid: Grid) {
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

/// A key location as the CLI shows it.
struct KeyLocationView: Encodable {
    var id: String
    var name: String
    var category: String
    var radiusM: Double
    var distanceM: Double?

    init(_ location: KeyLocation, distance: Double? = nil) {
        id = location.id
        name = location.name
        category = location.category.rawValue
        radiusM = location.alertRadius
        distanceM = distance
    }
}

extension Array where Element == GridSummary {
    /// "YX › YX-S1 › YX-S1-C1 › YX-S1-C1-G1", or "-".
    var pathText: String { isEmpty ? "-" : map(\.id).joined(separator: " › ") }
}
