import Foundation

/// The DCT perceptual hash (pHash) of a picture, from the means of a 32×32 grid of cells.
///
/// The 2-D DCT-II of the cell means keeps the picture's coarse structure in its lowest frequencies; the 8×8 lowest
/// frequencies after the DC row and column each give one bit: set when above their median. Overall brightness (DC)
/// and contrast (a common scale) do not change the bits, re-encoding flips a few, and unrelated pictures differ in
/// about half of the 64. A flat picture has no structure and hashes to 0.
enum PerceptualHash {
    /// Cells per side of the grid the DCT works on.
    static let gridSize = 32
    /// Frequencies per side that make the hash.
    private static let frequencies = 8

    /// cos((2x + 1)uπ / 64) for u in 1…8 (the frequencies kept), x in 0..<32.
    private static let cosines: [Double] = {
        var table: [Double] = []
        for u in 1...frequencies {
            for x in 0..<gridSize {
                let angle = Double((2 * x + 1) * u) * Double.pi / Double(2 * gridSize)
                table.append(cos(angle))
            }
        }
        return table
    }()

    /// The hash of 32×32 cell means given row by row.
    static func hash(cellMeans: [Double]) -> UInt64 {
        precondition(cellMeans.count == gridSize * gridSize)
        // Rows first: the kept frequencies of each row, then the same along the columns.
        var rows = [Double](repeating: 0, count: gridSize * frequencies)
        for y in 0..<gridSize {
            for u in 0..<frequencies {
                var sum = 0.0
                for x in 0..<gridSize { sum += cellMeans[y * gridSize + x] * cosines[u * gridSize + x] }
                rows[y * frequencies + u] = sum
            }
        }
        var coefficients = [Double](repeating: 0, count: frequencies * frequencies)
        for v in 0..<frequencies {
            for u in 0..<frequencies {
                var sum = 0.0
                for y in 0..<gridSize { sum += rows[y * frequencies + u] * cosines[v * gridSize + y] }
                coefficients[v * frequencies + u] = sum
            }
        }
        let sorted = coefficients.sorted()
        let median = (sorted[31] + sorted[32]) / 2
        // A threshold a hair above the median keeps coefficients that are zero but for rounding (a flat picture's
        // are ~1e-13) at 0; real structure gives coefficients of at least ~1 (cell means are 0…255, 1,024 cells).
        let threshold = median + 1e-6
        var hash: UInt64 = 0
        for coefficient in coefficients {
            hash = hash << 1 | (coefficient > threshold ? 1 : 0)
        }
        return hash
    }
}
