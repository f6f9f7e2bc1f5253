import Foundation
import Geo
import Testing

func point(_ longitude: Double, _ latitude: Double) -> Coordinate { try! Coordinate(longitude: longitude, latitude: latitude) }

/// A closed square ring with corners (x0, y0) and (x1, y1).
func square(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [Coordinate] {
    [point(x0, y0), point(x1, y0), point(x1, y1), point(x0, y1), point(x0, y0)]
}

@Suite("Coordinates and distances")
struct CoordinateTests {
    @Test(
        "non-numbers and out-of-range values are refused",
        arguments: [(Double.nan, 0.0), (0, .infinity), (180.5, 0), (0, -90.01)])
    func invalid(_ values: (Double, Double)) {
        #expect(throws: GeoError.self) { try Coordinate(longitude: values.0, latitude: values.1) }
    }

    @Test("a degree of latitude, and of longitude on the equator, is R·π/180 metres")
    func degreeLengths() {
        let expected = Coordinate.earthRadius * .pi / 180
        #expect(abs(point(116, 39).distance(to: point(116, 40)) - expected) < 1e-6)
        #expect(abs(point(0, 0).distance(to: point(1, 0)) - expected) < 1e-6)
        #expect(point(116.4, 39.9).distance(to: point(116.4, 39.9)) == 0)
    }

    @Test("GCJ-02 offsets Beijing by a few hundred metres, leaves Europe alone, and inverts to under a millimetre")
    func gcj02() {
        let wgs = point(116.3975, 39.9087)
        let gcj = GCJ02.fromWGS84(wgs)
        #expect((100...1000).contains(wgs.distance(to: gcj)))
        #expect(GCJ02.toWGS84(gcj).distance(to: wgs) < 0.001)
        let paris = point(2.35, 48.85)
        #expect(GCJ02.fromWGS84(paris) == paris && GCJ02.toWGS84(paris) == paris)
    }
}

@Suite("Polygons and areas")
struct AreaTests {
    let withHole = try! Polygon(exterior: square(0, 0, 10, 10), holes: [square(4, 4, 6, 6)])

    @Test("rings must be closed, long enough and simple; holes must lie inside")
    func ringValidation() {
        #expect(throws: GeoError.self) { try Polygon(exterior: Array(square(0, 0, 1, 1).dropLast())) }
        #expect(throws: GeoError.self) { try Polygon(exterior: [point(0, 0), point(1, 1), point(0, 0)]) }
        let bowTie = [point(0, 0), point(2, 2), point(2, 0), point(0, 2), point(0, 0)]
        #expect(throws: GeoError.self) { try Polygon(exterior: bowTie) }
        #expect(throws: GeoError.self) { try Polygon(exterior: square(0, 0, 1, 1), holes: [square(5, 5, 6, 6)]) }
        #expect(throws: GeoError.self) {
            try Polygon(exterior: [point(0, 0), point(1, 0), point(1, 0), point(0, 1), point(0, 0)])
        }
    }

    @Test("inside, in a hole, on the outer edge, on a hole's edge, on a vertex")
    func pointLocation() {
        #expect(withHole.locate(point(2, 2)) == .inside)
        #expect(withHole.locate(point(5, 5)) == .outside)
        #expect(withHole.locate(point(10, 3)) == .boundary)
        #expect(withHole.locate(point(4, 5)) == .boundary)
        #expect(withHole.locate(point(0, 0)) == .boundary)
        #expect(withHole.locate(point(11, 5)) == .outside)
        #expect(withHole.locate(point(-0.000001, 5)) == .outside)
    }

    @Test("a MultiPolygon holds points of each part, and its boundary belongs to it")
    func multiPolygon() throws {
        let area = try Area([try Polygon(exterior: square(0, 0, 1, 1)), try Polygon(exterior: square(2, 0, 3, 1))])
        #expect(area.contains(point(0.5, 0.5)) && area.contains(point(2.5, 0.5)))
        #expect(!area.contains(point(1.5, 0.5)))
        #expect(area.locate(point(3, 0.5)) == .boundary && area.contains(point(3, 0.5)))
    }

    @Test("distance to an area is 0 inside and the distance to the nearest edge outside")
    func distanceToArea() throws {
        let area = try Area([try Polygon(exterior: square(116.0, 39.0, 116.01, 39.01))])
        #expect(area.distance(from: point(116.005, 39.005)) == 0)
        let east = point(116.01 + 100 / (Coordinate.earthRadius * .pi / 180 * cos(39.005 * .pi / 180)), 39.005)
        #expect(abs(area.distance(from: east) - 100) < 0.5)
    }

    @Test("the spatial index finds exactly what a scan of every area finds")
    func indexMatchesBruteForce() throws {
        var entries: [(Int, Area)] = []
        var id = 0
        for row in 0..<30 {
            for column in 0..<30 {
                let x = 116 + Double(column) * 0.01
                let y = 39 + Double(row) * 0.01
                entries.append((id, try Area([try Polygon(exterior: square(x, y, x + 0.01, y + 0.01))])))
                id += 1
            }
        }
        // Overlapping larger areas, as parent grids overlap their children.
        entries.append((id, try Area([try Polygon(exterior: square(116, 39, 116.15, 39.15))])))
        let index = AreaIndex(entries)
        var state: UInt64 = 7
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let x = 115.99 + Double(state >> 40) / Double(1 << 24) * 0.32
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let y = 38.99 + Double(state >> 40) / Double(1 << 24) * 0.32
            let probe = point(x, y)
            #expect(index.areas(containing: probe) == entries.filter { $0.1.contains(probe) }.map(\.0))
        }
        // A point on a shared edge lies in both neighbours.
        #expect(index.areas(containing: point(116.01, 39.005)) == [0, 1, 900])
    }
}

@Suite("GeoJSON")
struct GeoJSONTests {
    @Test("points, polygons with holes and multipolygons round-trip exactly")
    func roundTrip() throws {
        let area = try Area([
            try Polygon(exterior: square(116.1, 39.1, 116.2, 39.2), holes: [square(116.12, 39.12, 116.13, 39.13)])
        ])
        let multi = try Area([try Polygon(exterior: square(0, 0, 1, 1)), try Polygon(exterior: square(2, 0, 3, 1))])
        let data = try GeoJSON.write([
            (id: "a", properties: ["name": .string("学校")], geometry: .area(area)),
            (id: "b", properties: ["radius": .number(200)], geometry: .point(point(116.123456789012, 39.98765432101))),
            (id: "c", properties: [:], geometry: .area(multi)),
        ])
        let (features, problems) = try GeoJSON.read(data)
        #expect(problems.isEmpty)
        #expect(features.map(\.id) == ["a", "b", "c"])
        #expect(features[0].geometry == .area(area))
        #expect(features[1].geometry == .point(point(116.123456789012, 39.98765432101)))
        #expect(features[2].geometry == .area(multi))
        #expect(features[0].properties["name"] == .string("学校"))
        #expect(try GeoJSON.write(features.map { (id: $0.id!, properties: $0.properties, geometry: $0.geometry) }) == data)
    }

    @Test("every bad feature is reported with its number and id; good ones are kept")
    func problemsPerFeature() throws {
        let text = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","id":"ok","properties":{},"geometry":{"type":"Point","coordinates":[116,39]}},
              {"type":"Feature","id":"open","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}},
              {"type":"Feature","properties":{"id":"far"},"geometry":{"type":"Point","coordinates":[116,95]}},
              {"type":"Feature","id":"line","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}},
              {"type":"Feature","id":"none","properties":{}},
              42
            ]}
            """
        let (features, problems) = try GeoJSON.read(Data(text.utf8))
        #expect(features.map(\.id) == ["ok"])
        #expect(problems.map(\.number) == [2, 3, 4, 5, 6])
        #expect(problems.map(\.id) == ["open", "far", "line", "none", nil])
        #expect(problems[0].description.contains("not closed"))
        #expect(problems[1].description.contains("latitude 95"))
    }

    @Test("a document that is not a FeatureCollection is refused as a whole")
    func notACollection() {
        #expect(throws: GeoError.self) { try GeoJSON.read(Data("{\"type\":\"Feature\"}".utf8)) }
        #expect(throws: GeoError.self) { try GeoJSON.read(Data("{not json".utf8)) }
        #expect(throws: GeoError.self) { try GeoJSON.read(Data([0xFF, 0xFE, 0x00])) }
    }
}
