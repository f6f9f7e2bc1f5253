// Point→grid lookups per second in memory, for tools/bench/registry: the registry's index against a scan of
// every grid, on the same random points, with the same rule (deepest level, then smallest ID).
import CameraRegistry
import Foundation
import Geo

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: registry-lookups DATA_DIR LOOKUPS\n".utf8))
    exit(64)
}
let registry = try Registry(dataDirectory: arguments[1], lenientIDs: true) { _ in }
let grids = try registry.grids()
let started = Date()
let locator = try registry.gridLocator()
print("index of \(grids.count) grids built in \(String(format: "%.3f", Date().timeIntervalSince(started))) s")
var bounds = grids[0].area.bounds
for grid in grids { bounds = bounds.union(grid.area.bounds) }
var state: UInt64 = 42
var points: [Coordinate] = []
for _ in 0..<count {
    var unit: [Double] = []
    for _ in 0..<2 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        unit.append(Double(state >> 11) / Double(1 << 53))
    }
    points.append(
        try Coordinate(
            longitude: bounds.minLongitude + unit[0] * (bounds.maxLongitude - bounds.minLongitude),
            latitude: bounds.minLatitude + unit[1] * (bounds.maxLatitude - bounds.minLatitude)))
}
let levels = Dictionary(uniqueKeysWithValues: grids.map { ($0.id, $0.level.depth) })

func time(_ label: String, _ points: ArraySlice<Coordinate>, _ find: (Coordinate) -> String?) -> (Double, [String?]) {
    let clock = ContinuousClock()
    var found: [String?] = []
    found.reserveCapacity(points.count)
    let elapsed = clock.measure { for point in points { found.append(find(point)) } }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(points.count) / seconds
    print("\(label): \(points.count) lookups in \(String(format: "%.3f", seconds)) s = \(String(format: "%.0f", rate)) lookups/s")
    return (rate, found)
}

let (indexed, indexFound) = time("index", points[...]) { locator.finestGrid(at: $0) }
// The scan is slow: a sample of the same points is enough for its rate and to check the answers agree.
let sample = points.prefix(max(1, count / 200))
let (scanned, scanFound) = time("scan of every grid", sample) { point in
    grids.filter { $0.area.contains(point) }.min { (levels[$0.id]!, $1.id) > (levels[$1.id]!, $0.id) }?.id
}
print(
    "ratio index/scan: \(String(format: "%.0f", indexed / scanned))x; answers agree on the sample: \(Array(indexFound.prefix(sample.count)) == scanFound)"
)
