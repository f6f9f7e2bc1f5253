/// Computes `FrameStats` from decoded planes without colour conversion or per-pixel allocation.
///
/// The mean reads every luma sample, so it equals FFmpeg's signalstats YAVG, and yields the 32×32 cell means of the
/// perceptual hash and the row and column profiles that show bars; every other estimate (spread, clipping, Laplacian,
/// edges, noise, flatness) reads about 128 evenly spaced rows,
/// with full-resolution neighbours so the Laplacian keeps its sensitivity to blur. The loops are written for the compiler to
/// vectorise on baseline x86-64: no bounds or overflow checks, no branches, lane widths SSE2 can multiply. Swift's SIMD
/// types with masks and lane-type conversions compiled to per-lane code here and cost 25× more.
public enum FrameStatistics {
    /// About this many rows feed every estimate except the means, whatever the resolution, so analysis costs about
    /// the same per keyframe at 720p, 1080p or 4K (1080p: every 8th row, 250,000 samples; 240p: every row).
    static let sampledRowTarget = 128

    /// Statistics of a picture given its luma plane and its two chroma planes (any 8-bit planar subsampling).
    public static func compute(luma: Plane, u: Plane, v: Plane) -> FrameStats {
        let cells = cellSums(luma)
        let rows = sampledRows(luma)
        let values = Double(rows.values)
        let valueMean = values > 0 ? Double(rows.valueSum) / values : 0
        let variance = values > 0 ? max(0, Double(rows.valueSquares) / values - valueMean * valueMean) : 0
        let samples = Double(rows.laplacianSamples)
        let lapMean = samples > 0 ? Double(rows.laplacianSum) / samples : 0
        let lapVariance = samples > 0 ? max(0, Double(rows.laplacianSquares) / samples - lapMean * lapMean) : 0
        // Immerkær (1996): σ = √(π/2) · Σ|mask| / (6 · samples); the mask's weights square-sum to 36.
        let noise = samples > 0 ? (Double.pi / 2).squareRoot() * Double(rows.maskSum) / (6 * samples) : 0
        return FrameStats(
            width: luma.width,
            height: luma.height,
            meanLuma: Double(cells.total) / Double(luma.width * luma.height),
            lumaStdDev: variance.squareRoot(),
            darkFraction: values > 0 ? Double(rows.dark) / values : 0,
            brightFraction: values > 0 ? Double(rows.bright) / values : 0,
            sharpness: lapVariance,
            edgeDensity: samples > 0 ? Double(rows.edges) / samples : 0,
            perceptualHash: PerceptualHash.hash(cellMeans: cells.means),
            meanU: planeMean(u),
            meanV: planeMean(v),
            saturation: saturation(u, v),
            noise: noise,
            uniformFraction: samples > 0 ? Double(rows.flat) / samples : 0,
            stripes: max(StripeMeasure.strength(cells.rowMeans), StripeMeasure.strength(cells.columnMeans)),
            thumbnail: thumbnail(cells.means))
    }

    /// The 8×8 thumbnail: means of 4×4 blocks of the 32×32 cell means.
    static func thumbnail(_ means: [Double]) -> [Float] {
        let grid = PerceptualHash.gridSize
        let block = grid / 8
        return (0..<64).map { index in
            let (row, column) = (index / 8, index % 8)
            var sum = 0.0
            for y in 0..<block {
                for x in 0..<block { sum += means[(row * block + y) * grid + column * block + x] }
            }
            return Float(sum / Double(block * block))
        }
    }

    /// The rows the estimates use: 1, 1 + step, 1 + 2·step, … (each with a row above and below), or row 0 of a picture
    /// under 3 rows.
    public static func sampledRowIndices(height: Int) -> StrideTo<Int> {
        height < 3 ? stride(from: 0, to: 1, by: 1) : stride(from: 1, to: height - 1, by: max(1, height / sampledRowTarget))
    }

    // MARK: - Every row: exact sums per cell of a 32×32 grid, per row and per column

    private struct CellSums {
        var total: UInt64 = 0
        /// Mean luma of each cell, row by row.
        var means: [Double] = []
        /// Mean luma of each row of the picture, top to bottom, and of each column, left to right.
        var rowMeans: [Double] = []
        var columnMeans: [Double] = []
    }

    private static func cellSums(_ plane: Plane) -> CellSums {
        let width = plane.width
        let grid = PerceptualHash.gridSize
        // Per-column sums over the rows of one band of the grid; a band has at most ⌈height/32⌉ rows, so UInt16
        // columns (≤ 257 × 255) hold any picture up to 8,000 rows.
        let columns = UnsafeMutablePointer<UInt16>.allocate(capacity: width)
        columns.initialize(repeating: 0, count: width)
        defer { columns.deallocate() }
        let cellOfColumn = (0..<width).map { $0 * grid / width }
        var sums = [UInt64](repeating: 0, count: grid * grid)
        var counts = [UInt64](repeating: 0, count: grid * grid)
        // Whole columns: ≤ 8,000 rows × 255 fits UInt32.
        var columnTotals = [UInt32](repeating: 0, count: width)
        var rowMeans = [Double](repeating: 0, count: plane.height)
        var bandRows = 0

        func closeBand(_ band: Int) {
            for x in 0..<width {
                sums[band * grid + cellOfColumn[x]] &+= UInt64(columns[x])
                counts[band * grid + cellOfColumn[x]] &+= UInt64(bandRows)
                columnTotals[x] &+= UInt32(columns[x])
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
            // ≤ 255 × width fits UInt32 for rows up to 16 million samples.
            var rowSum: UInt32 = 0
            var x = 0
            while x < width {
                columns[x] &+= UInt16(truncatingIfNeeded: row[x])
                rowSum &+= UInt32(truncatingIfNeeded: row[x])
                x &+= 1
            }
            rowMeans[y] = Double(rowSum) / Double(width)
        }
        closeBand(band)
        return CellSums(
            total: sums.reduce(0, &+), means: zip(sums, counts).map { $1 == 0 ? 0 : Double($0) / Double($1) },
            rowMeans: rowMeans, columnMeans: columnTotals.map { Double($0) / Double(plane.height) })
    }

    // MARK: - Sampled rows: spread, clipping, Laplacian, edges, noise, flatness

    private struct RowTotals {
        var values = 0
        var valueSum: UInt64 = 0
        var valueSquares: UInt64 = 0
        var dark = 0
        var bright = 0
        var laplacianSamples = 0
        var laplacianSum: Int64 = 0
        var laplacianSquares: Int64 = 0
        var edges = 0
        /// Sum of |Immerkær's mask| and the count of perfectly flat neighbourhoods, over the Laplacian's samples.
        var maskSum: Int64 = 0
        var flat = 0
    }

    // Accumulators are sized for the vector units of baseline x86-64: a square of a sample (≤ 65,025) is a 16-bit
    // product, a squared Laplacian an Int16×Int16 multiply-add (pmaddwd); counts are UInt16/Int16 and sums are
    // flushed every 1,024 samples before they can overflow. Wider lanes or 32-bit products stop the loops from
    // vectorising (SSE2 has no 32-bit multiply).
    /// Over 60 lines: the kernel's one pass over the sampled rows, every statistic's accumulator in a local; split
    /// per statistic, it would read each row several times (the hot path of the keyframe benchmark).
    private static func sampledRows(_ plane: Plane) -> RowTotals {
        var totals = RowTotals()
        let darkLevel = FrameStats.darkLevel
        let brightLevel = FrameStats.brightLevel
        let edgeLevel = FrameStats.edgeLevel
        let width = plane.width
        for y in sampledRowIndices(height: plane.height) {
            let row = plane.row(y)
            var start = 0
            while start < width {
                let end = min(width, start + 1024)
                var sum: UInt32 = 0
                var squares: UInt32 = 0
                var dark: UInt16 = 0
                var bright: UInt16 = 0
                var x = start
                while x < end {
                    let value = row[x]
                    let wide = UInt16(truncatingIfNeeded: value)
                    sum &+= UInt32(truncatingIfNeeded: wide)
                    squares &+= UInt32(truncatingIfNeeded: wide &* wide)
                    dark &+= value <= darkLevel ? 1 : 0
                    bright &+= value >= brightLevel ? 1 : 0
                    x &+= 1
                }
                totals.valueSum &+= UInt64(sum)
                totals.valueSquares &+= UInt64(squares)
                totals.dark += Int(dark)
                totals.bright += Int(bright)
                start = end
            }
            totals.values += width
            guard y >= 1, y + 1 < plane.height, width >= 3 else { continue }
            let above = plane.row(y - 1)
            let below = plane.row(y + 1)
            start = 1
            while start < width - 1 {
                let end = min(width - 1, start + 1024)
                var sum: Int32 = 0
                var squares: Int32 = 0
                var edges: Int16 = 0
                // |mask| ≤ 2,040: 1,024 of them fit Int32.
                var mask: Int32 = 0
                var flat: Int16 = 0
                var x = start
                while x < end {
                    let centre = Int16(truncatingIfNeeded: row[x])
                    let left = Int16(truncatingIfNeeded: row[x - 1])
                    let right = Int16(truncatingIfNeeded: row[x + 1])
                    let up = Int16(truncatingIfNeeded: above[x])
                    let down = Int16(truncatingIfNeeded: below[x])
                    let laplacian = (centre &<< 2) &- left &- right &- up &- down
                    sum &+= Int32(truncatingIfNeeded: laplacian)
                    squares &+= Int32(truncatingIfNeeded: laplacian) &* Int32(truncatingIfNeeded: laplacian)
                    let dx = right &- left
                    let dy = down &- up
                    let gradient = (dx < 0 ? 0 &- dx : dx) &+ (dy < 0 ? 0 &- dy : dy)
                    edges &+= gradient >= edgeLevel ? 1 : 0
                    flat &+= (gradient | laplacian) == 0 ? 1 : 0
                    // Immerkær's mask [1 −2 1; −2 4 −2; 1 −2 1]: the corners minus twice the 4-neighbour Laplacian's
                    // ring plus the centre, i.e. 4c − 2(l + r + u + d) + (ul + ur + dl + dr).
                    let corners =
                        Int16(truncatingIfNeeded: above[x - 1]) &+ Int16(truncatingIfNeeded: above[x + 1])
                        &+ Int16(truncatingIfNeeded: below[x - 1]) &+ Int16(truncatingIfNeeded: below[x + 1])
                    let response = (centre &<< 2) &- ((left &+ right &+ up &+ down) &<< 1) &+ corners
                    mask &+= Int32(truncatingIfNeeded: response < 0 ? 0 &- response : response)
                    x &+= 1
                }
                totals.laplacianSum += Int64(sum)
                totals.laplacianSquares += Int64(squares)
                totals.edges += Int(edges)
                totals.maskSum += Int64(mask)
                totals.flat += Int(flat)
                totals.laplacianSamples += end - start
                start = end
            }
        }
        return totals
    }

    // MARK: - Chroma means

    /// Mean chroma distance from neutral, √((U−128)² + (V−128)²), over the sampled chroma rows: signalstats' SATAVG
    /// (which reads every row). 0 for a greyscale picture (an IR-cut filter stuck in night mode); about 39 for the
    /// test scene's muted colours. Float arithmetic so the square root vectorises.
    static func saturation(_ u: Plane, _ v: Plane) -> Double {
        let width = min(u.width, v.width)
        let height = min(u.height, v.height)
        guard width > 0, height > 0 else { return 0 }
        var total = 0.0
        var rows = 0
        for y in sampledRowIndices(height: height) {
            let (uRow, vRow) = (u.row(y), v.row(y))
            var sum: Float = 0
            var x = 0
            while x < width {
                let du = Float(uRow[x]) - 128
                let dv = Float(vRow[x]) - 128
                sum += (du * du + dv * dv).squareRoot()
                x &+= 1
            }
            total += Double(sum)
            rows += 1
        }
        return total / Double(rows * width)
    }

    /// Mean of every sample of a plane.
    static func planeMean(_ plane: Plane) -> Double {
        var total: UInt64 = 0
        for y in 0..<plane.height {
            let row = plane.row(y)
            // ≤ 255 × width fits UInt32 for rows up to 16 million samples.
            var sum: UInt32 = 0
            var x = 0
            while x < plane.width {
                sum &+= UInt32(truncatingIfNeeded: row[x])
                x &+= 1
            }
            total &+= UInt64(sum)
        }
        return Double(total) / Double(plane.width * plane.height)
    }
}
