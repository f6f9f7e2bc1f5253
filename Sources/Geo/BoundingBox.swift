/// The smallest longitude/latitude rectangle around a shape.
public struct BoundingBox: Hashable, Sendable {
    public var minLongitude: Double
    public var minLatitude: Double
    public var maxLongitude: Double
    public var maxLatitude: Double

    /// The box around `points`; nil when there are none.
    public init?<Points: Sequence>(_ points: Points) where Points.Element == Coordinate {
        var iterator = points.makeIterator()
        guard let first = iterator.next() else { return nil }
        minLongitude = first.longitude
        maxLongitude = first.longitude
        minLatitude = first.latitude
        maxLatitude = first.latitude
        while let point = iterator.next() { include(point) }
    }

    mutating func include(_ point: Coordinate) {
        minLongitude = min(minLongitude, point.longitude)
        maxLongitude = max(maxLongitude, point.longitude)
        minLatitude = min(minLatitude, point.latitude)
        maxLatitude = max(maxLatitude, point.latitude)
    }

    /// The box around both.
    public func union(_ other: BoundingBox) -> BoundingBox {
        var box = self
        box.minLongitude = min(minLongitude, other.minLongitude)
        box.maxLongitude = max(maxLongitude, other.maxLongitude)
        box.minLatitude = min(minLatitude, other.minLatitude)
        box.maxLatitude = max(maxLatitude, other.maxLatitude)
        return box
    }

    /// Whether the point lies in the box, edges included.
    @inline(__always) public func contains(_ point: Coordinate) -> Bool {
        point.longitude >= minLongitude && point.longitude <= maxLongitude && point.latitude >= minLatitude
            && point.latitude <= maxLatitude
    }
}
