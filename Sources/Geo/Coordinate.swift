import Foundation

/// A WGS-84 position, Skygate's canonical form: longitude then latitude in degrees, as in GeoJSON.
public struct Coordinate: Hashable, Sendable, Codable, CustomStringConvertible {
    public let longitude: Double
    public let latitude: Double

    /// Creates a coordinate, refusing non-numbers and values outside ±180° longitude, ±90° latitude.
    public init(longitude: Double, latitude: Double) throws {
        guard longitude.isFinite, latitude.isFinite else {
            throw GeoError(.invalidCoordinate, "coordinate (\(longitude), \(latitude)) is not a number")
        }
        guard (-180...180).contains(longitude) else {
            throw GeoError(.invalidCoordinate, "longitude \(longitude) is outside -180…180")
        }
        guard (-90...90).contains(latitude) else {
            throw GeoError(.invalidCoordinate, "latitude \(latitude) is outside -90…90")
        }
        self.longitude = longitude
        self.latitude = latitude
    }

    /// For values already known to be valid (internal arithmetic).
    init(unchecked longitude: Double, _ latitude: Double) {
        self.longitude = longitude
        self.latitude = latitude
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        try self.init(longitude: container.decode(Double.self), latitude: container.decode(Double.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(longitude)
        try container.encode(latitude)
    }

    public var description: String { "\(longitude),\(latitude)" }

    /// Mean Earth radius (IUGG), metres.
    public static let earthRadius = 6_371_008.8

    /// Great-circle distance in metres (haversine), good to about 0.5 % anywhere, far better at city scale.
    public func distance(to other: Coordinate) -> Double {
        let φ1 = latitude * .pi / 180
        let φ2 = other.latitude * .pi / 180
        let Δφ = φ2 - φ1
        let Δλ = (other.longitude - longitude) * .pi / 180
        let a = sin(Δφ / 2) * sin(Δφ / 2) + cos(φ1) * cos(φ2) * sin(Δλ / 2) * sin(Δλ / 2)
        return 2 * Coordinate.earthRadius * asin(min(1, a.squareRoot()))
    }
}
