/// Computes `FrameStats` from decoded planes in two passes over the luma plane and one over each chroma plane.
///
/// Pass 1 reads every luma sample (exact means, so they match FFmpeg's signalstats, and the 32×32 cell means of the
/// perceptual hash), pass 2 computes the Laplacian
/// and gradient on every other row, which halves the cost and keeps full-resolution sensitivity to blur. Both work
/// on 32-byte SIMD vectors with integer accumulators, flushed before they can overflow.
public enum FrameStatistics {
    private typealias Bytes = SIMD32<UInt8>
    private static let lanes = 32

    /// Statistics of a picture given its luma plane and its two chroma planes (any 8-bit planar subsampling).
    public static func compute(luma: Plane, u: Plane, v: Plane) -> FrameStats {
        let first = lumaPass(luma)
        let second = laplacianPass(luma)
        let count = Double(luma.width * luma.height)
        let mean = Double(first.sum) / count
        let variance = max(0, Double(first.sumOfSquares) / count - mean * mean)
        let lapMean = second.samples > 0 ? Double(second.sum) / Double(second.samples) : 0
        let lapVariance = second.samples > 0 ? max(0, Double(second.sumOfSquares) / Double(second.samples) - lapMean * lapMean) : 0
        return FrameStats(
            width: luma.width,
            height: luma.height,
            meanLuma: mean,
            lumaStdDev: variance.squareRoot(),
            darkFraction: Double(first.dark) / count,
            brightFraction: Double(first.bright) / count,
            sharpness: lapVariance,
            edgeDensity: second.samples > 0 ? Double(second.edges) / Double(second.samples) : 0,
            perceptualHash: PerceptualHash.hash(cellMeans: first.cellMeans),
            meanU: planeMean(u),
            meanV: planeMean(v))
    }

    // MARK: - Pass 1: exact sums, clipping counts, 32×32 cell means for the hash

    private struct LumaTotals {
        var sum: UInt64 = 0
        var sumOfSquares: UInt64 = 0
        var dark: Int = 0
        var bright: Int = 0
        /// Mean luma of each cell of a 32×32 grid over the picture, row by row.
        var cellMeans: [Double] = []
    }

    private static func lumaPass(_ plane: Plane) -> LumaTotals {
        let width = plane.width
        let chunks = width / lanes
        let grid = PerceptualHash.gridSize
        // Per-column sums over the rows of one band of the grid; a band has at most ⌈height/32⌉ rows, so UInt16
        // columns (≤ 257 × 255) hold any picture up to 8,000 rows.
        let columns = UnsafeMutablePointer<UInt16>.allocate(capacity: width)
        columns.initialize(repeating: 0, count: width)
        defer { columns.deallocate() }
        let cellOfColumn = (0..<width).map { $0 * grid / width }
        var cellSums = [UInt64](repeating: 0, count: grid * grid)
        var cellCounts = [UInt64](repeating: 0, count: grid * grid)
        var totals = LumaTotals()
        let darkLevel = Bytes(repeating: FrameStats.darkLevel)
        let brightLevel = Bytes(repeating: FrameStats.brightLevel)
        let one = Bytes(repeating: 1)
        let zero = Bytes()
        var bandRows = 0

        func closeBand(_ band: Int) {
            for x in 0..<width {
                cellSums[band * grid + cellOfColumn[x]] &+= UInt64(columns[x])
                cellCounts[band * grid + cellOfColumn[x]] &+= UInt64(bandRows)
            }
            columns.update(repeating: 0, count: width)
            bandRows = 0
        }

        var band = 0
        for y in 0..<plane.height {
            let rowBand = y * grid / plane.height
            if rowBand != band {
                closeBand(band)
                band = rowBand
            }
            bandRows += 1
            let row = plane.row(y)
            var squares = SIMD32<UInt32>()
            var darkCount = SIMD32<UInt16>()
            var brightCount = SIMD32<UInt16>()
            for chunk in 0..<chunks {
                let bytes = UnsafeRawPointer(row + chunk * lanes).loadUnaligned(as: Bytes.self)
                let wide = SIMD32<UInt16>(truncatingIfNeeded: bytes)
                let column = UnsafeMutableRawPointer(columns + chunk * lanes)
                column.storeBytes(of: column.loadUnaligned(as: SIMD32<UInt16>.self) &+ wide, as: SIMD32<UInt16>.self)
                // Per lane: ≤ 255² per chunk; a UInt32 lane holds 66,000 chunks (2 million samples per row).
                squares &+= SIMD32<UInt32>(truncatingIfNeeded: wide &* wide)
                darkCount &+= SIMD32<UInt16>(truncatingIfNeeded: zero.replacing(with: one, where: bytes .<= darkLevel))
                brightCount &+= SIMD32<UInt16>(truncatingIfNeeded: zero.replacing(with: one, where: bytes .>= brightLevel))
            }
            totals.sumOfSquares &+= UInt64(squares.wrappedSum())
            totals.dark += Int(SIMD32<UInt32>(truncatingIfNeeded: darkCount).wrappedSum())
            totals.bright += Int(SIMD32<UInt32>(truncatingIfNeeded: brightCount).wrappedSum())
            // The samples past the last whole chunk.
            var x = chunks * lanes
            while x < width {
                let value = row[x]
                columns[x] &+= UInt16(value)
                totals.sumOfSquares &+= UInt64(value) * UInt64(value)
                if value <= FrameStats.darkLevel { totals.dark += 1 }
                if value >= FrameStats.brightLevel { totals.bright += 1 }
                x += 1
            }
        }
        closeBand(band)
        totals.sum = cellSums.reduce(0, &+)
        totals.cellMeans = zip(cellSums, cellCounts).map { $1 == 0 ? 0 : Double($0) / Double($1) }
        return totals
    }

    // MARK: - Pass 2: Laplacian variance and edge density on every other row

    private struct LaplacianTotals {
        var sum: Int64 = 0
        var sumOfSquares: Int64 = 0
        var edges: Int = 0
        var samples: Int = 0
    }

    private static func laplacianPass(_ plane: Plane) -> LaplacianTotals {
        var totals = LaplacianTotals()
        guard plane.width >= 3, plane.height >= 3 else { return totals }
        let lastColumn = plane.width - 1
        let edgeLevel = SIMD32<Int16>(repeating: FrameStats.edgeLevel)
        let zero = SIMD32<Int16>()
        let one = SIMD32<Int16>(repeating: 1)
        var y = 1
        while y < plane.height - 1 {
            let above = plane.row(y - 1)
            let row = plane.row(y)
            let below = plane.row(y + 1)
            // Per-lane Int32 sums of Laplacian² stay below 2^31 for rows up to 2,000 chunks (64,000 samples).
            var sums = SIMD32<Int32>()
            var squares = SIMD32<Int32>()
            var edges = SIMD32<Int16>()
            var x = 1
            while x + lanes <= lastColumn {
                let centre = widen(row + x)
                let left = widen(row + x - 1)
                let right = widen(row + x + 1)
                let up = widen(above + x)
                let down = widen(below + x)
                let laplacian = SIMD32<Int32>(truncatingIfNeeded: 4 &* centre &- left &- right &- up &- down)
                sums &+= laplacian
                squares &+= laplacian &* laplacian
                let dx = right &- left
                let dy = down &- up
                let gradient = pointwiseMax(dx, zero &- dx) &+ pointwiseMax(dy, zero &- dy)
                edges &+= zero.replacing(with: one, where: gradient .>= edgeLevel)
                x += lanes
            }
            totals.sum += Int64(sums.wrappedSum())
            totals.sumOfSquares += Int64(SIMD32<Int64>(truncatingIfNeeded: squares).wrappedSum())
            totals.edges += Int(SIMD32<Int32>(truncatingIfNeeded: edges).wrappedSum())
            totals.samples += x - 1
            while x < lastColumn {
                let centre = Int64(row[x])
                let laplacian = 4 * centre - Int64(row[x - 1]) - Int64(row[x + 1]) - Int64(above[x]) - Int64(below[x])
                totals.sum += laplacian
                totals.sumOfSquares += laplacian * laplacian
                let gradient = abs(Int(row[x + 1]) - Int(row[x - 1])) + abs(Int(below[x]) - Int(above[x]))
                if gradient >= Int(FrameStats.edgeLevel) { totals.edges += 1 }
                totals.samples += 1
                x += 1
            }
            y += 2
        }
        return totals
    }

    @inline(__always) private static func widen(_ pointer: UnsafePointer<UInt8>) -> SIMD32<Int16> {
        SIMD32<Int16>(truncatingIfNeeded: UnsafeRawPointer(pointer).loadUnaligned(as: Bytes.self))
    }

    // MARK: - Chroma means

    /// Mean of every sample of a plane.
    static func planeMean(_ plane: Plane) -> Double {
        let chunks = plane.width / lanes
        var total: UInt64 = 0
        for y in 0..<plane.height {
            let row = plane.row(y)
            var chunk = 0
            while chunk < chunks {
                // Flush every 256 chunks so UInt16 lanes (≤ 256 × 255) never overflow.
                let end = min(chunks, chunk + 256)
                var sums = SIMD32<UInt16>()
                while chunk < end {
                    sums &+= SIMD32<UInt16>(truncatingIfNeeded: UnsafeRawPointer(row + chunk * lanes).loadUnaligned(as: Bytes.self))
                    chunk += 1
                }
                total &+= UInt64(SIMD32<UInt32>(truncatingIfNeeded: sums).wrappedSum())
            }
            var x = chunks * lanes
            while x < plane.width {
                total &+= UInt64(row[x])
                x += 1
            }
        }
        return Double(total) / Double(plane.width * plane.height)
    }
}
