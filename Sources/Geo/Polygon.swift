/// Where a point lies relative to an area.
public enum PointLocation: Sendable, Equatable {
    case outside
    /// On an edge or a vertex, within 1e-12° (about 0.1 µm).
    case boundary
    case inside
}

/// A polygon: one closed exterior ring and any number of holes, in WGS-84 degrees (GeoJSON's Polygon).
///
/// Rings are validated when made: closed (last position equals the first), at least three distinct corners, no
/// edge crossing or touching another edge of the same ring, and every hole starting inside the exterior.
public struct Polygon: Hashable, Sendable {
    public let exterior: [Coordinate]
    public let holes: [[Coordinate]]
    public let bounds: BoundingBox

    public init(exterior: [Coordinate], holes: [[Coordinate]] = []) throws {
        try Polygon.validate(ring: exterior, name: "exterior ring")
        for (index, hole) in holes.enumerated() {
            try Polygon.validate(ring: hole, name: "hole \(index + 1)")
            guard Polygon.locate(hole[0], in: exterior) != .outside else {
                throw GeoError(.invalidRing, "hole \(index + 1) lies outside the exterior ring")
            }
        }
        self.exterior = exterior
        self.holes = holes
        self.bounds = BoundingBox(exterior)!
    }

    /// Where `point` lies: a point on the boundary of a hole is on the polygon's boundary.
    public func locate(_ point: Coordinate) -> PointLocation {
        guard bounds.contains(point) else { return .outside }
        let outer = Polygon.locate(point, in: exterior)
        guard outer == .inside else { return outer }
        for hole in holes {
            switch Polygon.locate(point, in: hole) {
            case .inside: return .outside
            case .boundary: return .boundary
            case .outside: continue
            }
        }
        return .inside
    }

    /// Ray casting toward +longitude, with an explicit test for points on an edge.
    static func locate(_ point: Coordinate, in ring: [Coordinate]) -> PointLocation {
        let x = point.longitude
        let y = point.latitude
        var inside = false
        var previous = ring[ring.count - 1]
        for current in ring {
            let (ax, ay, bx, by) = (previous.longitude, previous.latitude, current.longitude, current.latitude)
            if min(ax, bx) - 1e-12 <= x && x <= max(ax, bx) + 1e-12 && min(ay, by) - 1e-12 <= y && y <= max(ay, by) + 1e-12 {
                let cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax)
                let length = max(abs(bx - ax), abs(by - ay))
                if abs(cross) <= 1e-12 * max(length, 1e-12) { return .boundary }
            }
            if (ay > y) != (by > y) {
                let crossing = ax + (y - ay) * (bx - ax) / (by - ay)
                if x < crossing { inside.toggle() }
            }
            previous = current
        }
        return inside ? .inside : .outside
    }

    static func validate(ring: [Coordinate], name: String) throws {
        guard ring.count >= 4 else {
            throw GeoError(.invalidRing, "\(name) has \(ring.count) positions; a closed ring needs at least 4")
        }
        guard ring.first == ring.last else {
            throw GeoError(.invalidRing, "\(name) is not closed: its last position must equal its first")
        }
        guard Set(ring.dropLast()).count >= 3 else {
            throw GeoError(.invalidRing, "\(name) has fewer than 3 distinct corners")
        }
        let edges = ring.count - 1
        for i in 0..<edges {
            let (a, b) = (ring[i], ring[i + 1])
            guard a != b else { throw GeoError(.invalidRing, "\(name) repeats position \(i + 1) (\(a))") }
            for j in (i + 1)..<edges {
                // Neighbouring edges share a corner by construction; the first and last edge too.
                if j == i + 1 || (i == 0 && j == edges - 1) { continue }
                if segmentsTouch(a, b, ring[j], ring[j + 1]) {
                    throw GeoError(.invalidRing, "\(name) crosses itself: edge \(i + 1) meets edge \(j + 1)")
                }
            }
        }
    }

    private static func orientation(_ a: Coordinate, _ b: Coordinate, _ c: Coordinate) -> Double {
        (b.longitude - a.longitude) * (c.latitude - a.latitude) - (b.latitude - a.latitude) * (c.longitude - a.longitude)
    }

    private static func segmentsTouch(_ p1: Coordinate, _ p2: Coordinate, _ q1: Coordinate, _ q2: Coordinate) -> Bool {
        let d1 = orientation(q1, q2, p1)
        let d2 = orientation(q1, q2, p2)
        let d3 = orientation(p1, p2, q1)
        let d4 = orientation(p1, p2, q2)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
        func onSegment(_ a: Coordinate, _ b: Coordinate, _ c: Coordinate) -> Bool {
            min(a.longitude, b.longitude) <= c.longitude && c.longitude <= max(a.longitude, b.longitude)
                && min(a.latitude, b.latitude) <= c.latitude && c.latitude <= max(a.latitude, b.latitude)
        }
        return (d1 == 0 && onSegment(q1, q2, p1)) || (d2 == 0 && onSegment(q1, q2, p2)) || (d3 == 0 && onSegment(p1, p2, q1))
            || (d4 == 0 && onSegment(p1, p2, q2))
    }
}
