/// Finds the areas that contain a point among many, in memory: a uniform grid of cells over all areas' bounds,
/// each cell listing the areas whose bounds overlap it.
public struct AreaIndex<ID: Hashable & Sendable>: Sendable {
    private let ids: [ID]
    private let areas: [Area]
    private let bounds: BoundingBox?
    private let columns: Int
    private let rows: Int
    private let cells: [[Int32]]

    /// Indexes `entries`; the order of entries is the order of results.
    public init(_ entries: [(ID, Area)]) {
        ids = entries.map(\.0)
        areas = entries.map(\.1)
        bounds = areas.dropFirst().reduce(areas.first?.bounds) { $0?.union($1.bounds) }
        // About two areas per cell on average, at most 1024 cells a side.
        let side = max(1, min(1024, Int((Double(entries.count) / 2).squareRoot().rounded(.up)) * 2))
        columns = side
        rows = side
        var cells = [[Int32]](repeating: [], count: side * side)
        if let bounds {
            for (index, area) in areas.enumerated() {
                let (c0, r0) = AreaIndex.cell(area.bounds.minLongitude, area.bounds.minLatitude, bounds, side, side)
                let (c1, r1) = AreaIndex.cell(area.bounds.maxLongitude, area.bounds.maxLatitude, bounds, side, side)
                for row in r0...r1 {
                    for column in c0...c1 { cells[row * side + column].append(Int32(index)) }
                }
            }
        }
        self.cells = cells
    }

    /// The IDs of the areas containing `point` (boundary included), in the order they were given.
    public func areas(containing point: Coordinate) -> [ID] {
        guard let bounds, bounds.contains(point) else { return [] }
        let (column, row) = AreaIndex.cell(point.longitude, point.latitude, bounds, columns, rows)
        var found: [ID] = []
        for index in cells[row * columns + column] where areas[Int(index)].contains(point) {
            found.append(ids[Int(index)])
        }
        return found
    }

    /// The first area containing `point` among those `isBetter` ranks highest, without allocating.
    public func best(containing point: Coordinate, isBetter: (ID, ID) -> Bool) -> ID? {
        guard let bounds, bounds.contains(point) else { return nil }
        let (column, row) = AreaIndex.cell(point.longitude, point.latitude, bounds, columns, rows)
        var best: ID? = nil
        for index in cells[row * columns + column] where areas[Int(index)].contains(point) {
            let id = ids[Int(index)]
            if best == nil || isBetter(id, best!) { best = id }
        }
        return best
    }

    @inline(__always)
    private static func cell(_ longitude: Double, _ latitude: Double, _ bounds: BoundingBox, _ columns: Int, _ rows: Int) -> (
        Int, Int
    ) {
        let width = max(bounds.maxLongitude - bounds.minLongitude, 1e-12)
        let height = max(bounds.maxLatitude - bounds.minLatitude, 1e-12)
        let column = min(columns - 1, max(0, Int((longitude - bounds.minLongitude) / width * Double(columns))))
        let row = min(rows - 1, max(0, Int((latitude - bounds.minLatitude) / height * Double(rows))))
        return (column, row)
    }
}
