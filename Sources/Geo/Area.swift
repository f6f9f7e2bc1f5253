import Foundation

/// A region made of one or more polygons (GeoJSON Polygon or MultiPolygon).
public struct Area: Hashable, Sendable {
    public let polygons: [Polygon]
    public let bounds: BoundingBox

    public init(_ polygons: [Polygon]) throws {
        guard let first = polygons.first else { throw GeoError(.invalidRing, "an area needs at least one polygon") }
        self.polygons = polygons
        self.bounds = polygons.dropFirst().reduce(first.bounds) { $0.union($1.bounds) }
    }

    /// Where `point` lies: inside any polygon is inside; otherwise on any boundary is boundary.
    public func locate(_ point: Coordinate) -> PointLocation {
        guard bounds.contains(point) else { return .outside }
        var onBoundary = false
        for polygon in polygons {
            switch polygon.locate(point) {
            case .inside: return .inside
            case .boundary: onBoundary = true
            case .outside: break
            }
        }
        return onBoundary ? .boundary : .outside
    }

    /// Whether the area holds `point`. The rule for boundaries: a point on the boundary belongs to the area.
    public func contains(_ point: Coordinate) -> Bool { locate(point) != .outside }

    /// Metres from `point` to the area: 0 inside or on the boundary, else the distance to the nearest edge
    /// (local equirectangular projection around the point; exact to well under a metre at city scale).
    public func distance(from point: Coordinate) -> Double {
        if contains(point) { return 0 }
        let scaleX = cos(point.latitude * .pi / 180) * Coordinate.earthRadius * .pi / 180
        let scaleY = Coordinate.earthRadius * .pi / 180
        var best = Double.infinity
        for polygon in polygons {
            for ring in [polygon.exterior] + polygon.holes {
                for index in 0..<(ring.count - 1) {
                    let ax = (ring[index].longitude - point.longitude) * scaleX
                    let ay = (ring[index].latitude - point.latitude) * scaleY
                    let bx = (ring[index + 1].longitude - point.longitude) * scaleX
                    let by = (ring[index + 1].latitude - point.latitude) * scaleY
                    let dx = bx - ax
                    let dy = by - ay
                    let lengthSquared = dx * dx + dy * dy
                    let t = lengthSquared > 0 ? max(0, min(1, -(ax * dx + ay * dy) / lengthSquared)) : 0
                    let x = ax + t * dx
                    let y = ay + t * dy
                    best = min(best, (x * x + y * y).squareRoot())
                }
            }
        }
        return best
    }
}
