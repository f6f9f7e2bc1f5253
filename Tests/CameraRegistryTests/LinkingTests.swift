import CameraRegistry
import Foundation
import Geo
import Testing

@Suite("Linking cameras and sensors to grids and key locations")
struct LinkingTests {
    /// The lake: a hole in YX-S1-C1-G1 and an exclave of YX-S1-C1-G2.
    static func inLake(_ point: Coordinate) -> Bool {
        (120.108...120.112).contains(point.longitude) && (30.246...30.250).contains(point.latitude)
    }

    @Test("every demo camera lies in the finest grid its name says, with the grid's whole ancestry")
    func demoCamerasLink() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try openRegistry(directory)
        let summary = try registry.importDirectory(demoDirectory)
        #expect(
            summary.cameras.added == demoCameraCount && summary.grids.added == 22 && summary.keyLocations.added == 9
                && summary.sensors.added == 12)
        #expect(summary.camerasOutsideGrids == 0)
        for record in try registry.cameras() {
            let expected = String(record.camera.name.prefix { $0 != " " })
            let point = try #require(record.camera.location)
            #expect(record.gridPath.last?.id == (Self.inLake(point) ? "YX-S1-C1-G2" : expected))
            #expect(record.gridPath.map(\.level) == [.district, .street, .community, .grid])
            #expect(record.gridPath.first?.id == "YX")
        }
    }

    @Test("holes, exclaves, shared edges and the outside follow the documented rules")
    func boundaryRules() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try openRegistry(directory)
        _ = try registry.importDirectory(demoDirectory)
        let cases: [(Coordinate, String?)] = [
            (coordinate(120.110, 30.248), "YX-S1-C1-G2"),  // in the lake: the hole of G1 is G2's exclave
            (coordinate(120.108, 30.248), "YX-S1-C1-G1"),  // on the lake's shore: both grids hold it, the smaller ID wins
            (coordinate(120.120, 30.255), "YX-S1-C1-G1"),  // on the edge G1 and G2 share
            (coordinate(120.140, 30.270), "YX-S1-C2-G2"),  // a corner of four grids (smallest of C1-G2 and C2-G1/G2 … by ID)
            (coordinate(120.300, 30.250), nil),  // outside the district
        ]
        for (index, (point, expected)) in cases.enumerated() {
            let id = try DeviceID(String(format: "33019900001329%06d", index))
            try registry.addCamera(
                Camera(
                    id: id, name: "probe \(index)", mainStream: try StreamEndpoint(parsing: "rtsp://127.0.0.1/\(index)"),
                    location: point))
            let record = try #require(try registry.camera(id: id.rawValue))
            if index == 3 {
                // Four grids meet here: YX-S1-C1-G2, YX-S1-C2-G2, YX-S2-C1-G1 and YX-S2-C2-G1; the smallest ID wins.
                #expect(record.gridPath.last?.id == "YX-S1-C1-G2")
            } else {
                #expect(record.gridPath.last?.id == expected, "\(point)")
            }
        }
    }

    @Test("key locations link within their radius and not beyond, by great-circle distance")
    func radiusEdges() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try openRegistry(directory)
        _ = try registry.importDirectory(demoDirectory)
        let school = coordinate(120.163, 30.284)  // KL-SCH-2, radius 200 m
        let metresPerDegree = Coordinate.earthRadius * .pi / 180
        for (serial, metres, linked) in [(1, 199.0, true), (2, 201.0, false)] {
            let point = coordinate(120.163, 30.284 + metres / metresPerDegree)
            #expect(abs(point.distance(to: school) - metres) < 0.01)
            let id = try DeviceID(String(format: "33019900001329%06d", 100 + serial))
            try registry.addCamera(
                Camera(
                    id: id, name: "radius \(metres)", mainStream: try StreamEndpoint(parsing: "rtsp://127.0.0.1/r"),
                    location: point))
            let links = try #require(try registry.camera(id: id.rawValue)).keyLocations
            #expect(links.contains { $0.locationID == "KL-SCH-2" } == linked, "\(metres) m")
            if linked { #expect(abs(links.first { $0.locationID == "KL-SCH-2" }!.distance - metres) < 0.01) }
        }
        // Inside a polygon location the distance is 0.
        let id = try DeviceID("33019900001329000200")
        try registry.addCamera(
            Camera(
                id: id, name: "in hospital", mainStream: try StreamEndpoint(parsing: "rtsp://127.0.0.1/h"),
                location: coordinate(120.148, 30.2475)))
        #expect(try registry.camera(id: id.rawValue)?.keyLocations.first { $0.locationID == "KL-HOS-1" }?.distance == 0)
        #expect(try registry.cameras(CameraFilter(keyLocationID: "KL-HOS-1")).map(\.camera.id).contains(id))
    }

    @Test("moving a grid boundary reassigns cameras without being asked; sensors follow their camera")
    func relinksOnChange() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try openRegistry(directory)
        _ = try registry.importDirectory(demoDirectory)
        let camera = try #require(try registry.cameras().first { $0.gridPath.last?.id == "YX-S3-C2-G2" })
        // Shrink YX-S3-C2-G2 to nothing near the camera: move it off to an empty corner of its community.
        var grids = try String(contentsOfFile: demoDirectory + "/" + RegistryFiles.grids, encoding: .utf8)
        let features = try JSONSerialization.jsonObject(with: Data(grids.utf8)) as! [String: Any]
        var list = features["features"] as! [[String: Any]]
        let index = list.firstIndex { $0["id"] as? String == "YX-S3-C2-G2" }!
        list[index]["geometry"] = [
            "type": "Polygon",
            "coordinates": [[[120.219, 30.299], [120.22, 30.299], [120.22, 30.3], [120.219, 30.3], [120.219, 30.299]]],
        ]
        grids = String(
            decoding: try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": list]), as: UTF8.self)
        let update = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: update) }
        try grids.write(toFile: update + "/" + RegistryFiles.grids, atomically: true, encoding: .utf8)
        let summary = try registry.importDirectory(update)
        #expect(summary.grids.updated == 22 && summary.cameras == ImportCounts())
        let moved = try #require(try registry.camera(id: camera.camera.id.rawValue))
        #expect(moved.gridPath.last?.id == "YX-S3-C2", "now only the community holds it")
        // Sensors placed by their camera: every one of them lies where its camera lies.
        for sensor in try registry.sensors() where sensor.sensor.location == nil {
            let host = try #require(try registry.camera(id: sensor.sensor.cameraID!.rawValue))
            #expect(sensor.gridPath == host.gridPath)
        }
    }

    @Test("lists filter by grid including descendants, tag, mode and key location")
    func filters() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try openRegistry(directory)
        _ = try registry.importDirectory(demoDirectory)
        let all = try registry.cameras()
        #expect(try registry.cameras(CameraFilter(gridID: "YX")).count == demoCameraCount)
        #expect(
            try registry.cameras(CameraFilter(gridID: "YX-S2")).count
                == all.filter { $0.gridPath.contains { $0.id == "YX-S2" } }.count)
        #expect(
            try registry.cameras(CameraFilter(gridID: "YX-S2")).count == all.filter { $0.camera.name.hasPrefix("YX-S2") }.count)
        #expect(
            try registry.cameras(CameraFilter(tag: "night-ir")).map(\.camera.id)
                == all.filter { $0.camera.tags.contains("night-ir") }.map(\.camera.id))
        #expect(try registry.cameras(CameraFilter(modes: [.off])).count == 1)
        let nearMarket = try registry.cameras(CameraFilter(keyLocationID: "KL-MKT-1"))
        #expect(nearMarket.allSatisfy { $0.keyLocations.contains { $0.locationID == "KL-MKT-1" && $0.distance <= 150 } })
        #expect(try registry.sensors(gridID: "YX").count == 12)
    }
}
