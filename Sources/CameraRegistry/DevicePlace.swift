public import Geo

/// Where a device is, as linking found it: its position, the grids that hold it and the key locations near it. What an
/// event about the device carries, so nothing downstream has to ask the registry back.
public struct DevicePlace: Sendable, Equatable {
    public var location: Coordinate?
    /// The finest grid containing the device and its ancestors, district first; empty when it lies in no grid.
    public var gridPath: [GridSummary]
    /// Key locations within their radius of the device.
    public var keyLocations: [KeyLocationLink]

    public init(location: Coordinate?, gridPath: [GridSummary], keyLocations: [KeyLocationLink]) {
        self.location = location
        self.gridPath = gridPath
        self.keyLocations = keyLocations
    }

    /// A camera's place.
    public init(_ record: CameraRecord) {
        self.init(location: record.camera.location, gridPath: record.gridPath, keyLocations: record.keyLocations)
    }

    /// A sensor's place.
    public init(_ record: SensorRecord) {
        self.init(location: record.sensor.location, gridPath: record.gridPath, keyLocations: record.keyLocations)
    }

    /// A device the registry no longer knows (removed meanwhile): its events still count, without a place.
    public static let unknown = DevicePlace(location: nil, gridPath: [], keyLocations: [])
}
