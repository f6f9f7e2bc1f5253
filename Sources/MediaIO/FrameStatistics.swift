/// Computes `FrameStats` from decoded planes without colour conversion or per-pixel allocation.
///
/// The work per keyframe is about the same at any resolution, because every pass reads a fixed number of evenly spaced
/// rows, whole:
/// - about 256 rows give the mean (within 0.5 of FFmpeg's signalstats YAVG, which reads every row: a test), the
///   32×32 cell means of the perceptual hash, and the row and column profiles that show bars;
/// - about 64 rows, with full-resolution neighbours so the Laplacian keeps its sensitivity to blur, give every other
///   luma estimate (spread, clipping, Laplacian, edges, noise, flatness), and the same rows of the chroma planes give
///   the chroma means and saturation.
///
/// The kernel's budget is 5 % of FFmpeg's own keyframe decode (`tools/bench/keyframes`, part (b)): about 0.45 ms for
/// a camera-like 1080p keyframe on this machine, where it takes 0.27 ms. Reading every row for the means and 128 rows
/// for the estimates cost 1.07 ms (DESIGN-NOTES, "Constant work per frame").
///
/// The loops are written for the compiler to vectorise on baseline x86-64: no bounds or overflow checks, no branches,
/// lane widths SSE2 can multiply; where it would not vectorise well, the loop is written in `SIMD8<Int16>` lanes
/// (`addLaplacianBlocks`). Masks and lane-type conversions there compiled to per-lane code or calls; a float sum must
/// be spread over lanes by hand, as LLVM may not reorder it.
public enum FrameStatistics {
    /// About this many rows feed the luma estimates and the chroma (1080p: every 16th row, 123,000 luma samples; 240p:
    /// every 3rd row).
    static let sampledRowTarget = 64
    /// About this many rows feed the mean, the cell grid and the profiles (1080p: every 4th row; 288p: every row).
    static let gridRowTarget = 256

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
        let colour = chroma(u, v)
        return FrameStats(
            width: luma.width,
            height: luma.height,
            meanLuma: cells.mean,
            lumaStdDev: variance.squareRoot(),
            darkFraction: values > 0 ? Double(rows.dark) / values : 0,
            brightFraction: values > 0 ? Double(rows.bright) / values : 0,
            sharpness: lapVariance,
            edgeDensity: samples > 0 ? Double(rows.edges) / samples : 0,
            perceptualHash: PerceptualHash.hash(cellMeans: cells.means),
            meanU: colour.meanU,
            meanV: colour.meanV,
            saturation: colour.saturation,
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

    /// The rows the mean, the cell grid and the profiles use: 0, step, 2·step, …
    public static func gridRowIndices(height: Int) -> StrideTo<Int> {
        stride(from: 0, to: height, by: max(1, height / gridRowTarget))
    }

    // MARK: - Grid rows: sums per cell of a 32×32 grid, per row and per column

    private struct CellSums {
        var mean = 0.0
        /// Mean luma of each cell, row by row (0 for a cell with no sample: pictures under 32 samples wide or high).
        var means: [Double] = []
        /// Mean luma of each grid row of the picture, top to bottom, and of each column, left to right.
        var rowMeans: [Double] = []
        var columnMeans: [Double] = []
    }

    private static func cellSums(_ plane: Plane) -> CellSums {
        let (width, height, grid) = (plane.width, plane.height, PerceptualHash.gridSize)
        // Per-column sums over the grid rows of one band of the grid: a band has at most ⌈height/32⌉ rows, so UInt16
        // columns (≤ 257 × 255) hold any picture up to 8,000 rows; whole columns (≤ 8,000 × 255) fit UInt32.
        let columns = UnsafeMutablePointer<UInt16>.allocate(capacity: width)
        let columnTotals = UnsafeMutablePointer<UInt32>.allocate(capacity: width)
        columnTotals.initialize(repeating: 0, count: width)
        defer {
            columns.deallocate()
            columnTotals.deallocate()
        }
        // Column x is in cell x·32/width, so cell c starts at column ⌈c·width/32⌉; row y is in band y·32/height.
        let firstColumn = (0...grid).map { ($0 * width + grid - 1) / grid }
        let rows = Array(gridRowIndices(height: height))
        var sums = CellSums(means: [Double](repeating: 0, count: grid * grid))
        var total: UInt64 = 0
        var index = 0
        for band in 0..<grid {
            columns.initialize(repeating: 0, count: width)
            let first = index
            while index < rows.count, rows[index] * grid / height == band {
                let row = plane.row(rows[index])
                var x = 0
                while x < width {
                    columns[x] &+= UInt16(truncatingIfNeeded: row[x])
                    x &+= 1
                }
                sums.rowMeans.append(Double(byteSum(row, count: width)) / Double(width))
                index += 1
            }
            guard index > first else { continue }
            var x = 0
            while x < width {
                columnTotals[x] &+= UInt32(truncatingIfNeeded: columns[x])
                x &+= 1
            }
            for cell in 0..<grid where firstColumn[cell] < firstColumn[cell + 1] {
                var sum: UInt64 = 0
                for x in firstColumn[cell]..<firstColumn[cell + 1] { sum &+= UInt64(columns[x]) }
                total &+= sum
                sums.means[band * grid + cell] =
                    Double(sum) / Double((index - first) * (firstColumn[cell + 1] - firstColumn[cell]))
            }
        }
        sums.mean = Double(total) / Double(rows.count * width)
        sums.columnMeans = (0..<width).map { Double(columnTotals[$0]) / Double(rows.count) }
        return sums
    }

    /// The sum of `count` bytes, eight at a time as the four 16-bit lanes of a UInt64 (even bytes and odd bytes
    /// masked apart), which the compiler vectorises; a plain byte loop widened each byte to 32 bits, four to a
    /// register, and took twice as long. A lane gains ≤ 510 per word, so 128 words (65,280) fit before a flush.
    @inline(__always) static func byteSum(_ bytes: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        let raw = UnsafeRawPointer(bytes)
        let words = count / 8
        let lowBytes: UInt64 = 0x00FF_00FF_00FF_00FF
        var total: UInt64 = 0
        var start = 0
        while start < words {
            let end = min(words, start + 128)
            var lanes: UInt64 = 0
            var index = start
            while index < end {
                let word = raw.loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self)
                lanes &+= (word & lowBytes) &+ ((word &>> 8) & lowBytes)
                index &+= 1
            }
            total &+= (lanes & 0xFFFF) &+ ((lanes &>> 16) & 0xFFFF) &+ ((lanes &>> 32) & 0xFFFF) &+ (lanes &>> 48)
            start = end
        }
        var index = words &* 8
        while index < count {
            total &+= UInt64(bytes[index])
            index &+= 1
        }
        return total
    }

    // MARK: - Sampled rows: spread, clipping, Laplacian, edges, noise, flatness

    /// The sampled rows' sums; the Laplacian part is added in `FrameStatistics+Laplacian.swift`.
    struct RowTotals {
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

    private static func sampledRows(_ plane: Plane) -> RowTotals {
        var totals = RowTotals()
        let width = plane.width
        for y in sampledRowIndices(height: plane.height) {
            let row = plane.row(y)
            addValues(row, width: width, to: &totals)
            guard y >= 1, y + 1 < plane.height, width >= 3 else { continue }
            let (above, below) = (plane.row(y - 1), plane.row(y + 1))
            // Samples 1 ..< width − 1 have both neighbours; whole blocks of 16 in lanes, the rest one by one.
            let blocks = (width - 2) / 16
            addLaplacianBlocks(above, row, below, blocks: blocks, to: &totals)
            addLaplacianSamples(above, row, below, from: 1 + blocks * 16, to: width - 1, to: &totals)
        }
        return totals
    }

    // Accumulators are sized for the vector units of baseline x86-64: a square of a sample (≤ 65,025) is a 16-bit
    // product, counts are UInt16, and sums are flushed every 1,024 samples before they can overflow. Wider lanes or
    // 32-bit products stop the loop from vectorising (SSE2 has no 32-bit multiply).
    @inline(__always)
    private static func addValues(_ row: UnsafePointer<UInt8>, width: Int, to totals: inout RowTotals) {
        let (darkLevel, brightLevel) = (FrameStats.darkLevel, FrameStats.brightLevel)
        var start = 0
        while start < width {
            let end = min(width, start + 1024)
            var (sum, squares, dark, bright) = (UInt32(0), UInt32(0), UInt16(0), UInt16(0))
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
    }

    // MARK: - Chroma: means and saturation

    private struct Chroma {
        var meanU = 0.0
        var meanV = 0.0
        var saturation = 0.0
    }

    /// The chroma means (signalstats' UAVG and VAVG) and the mean distance from neutral, √((U−128)² + (V−128)²)
    /// (its SATAVG), over the sampled rows of the chroma planes. Saturation is 0 for a greyscale picture (an IR-cut
    /// filter stuck in night mode), about 39 for the test scene's muted colours. Float arithmetic so the square root
    /// vectorises, over eight lanes at a time because LLVM may not reorder one float sum.
    private static func chroma(_ u: Plane, _ v: Plane) -> Chroma {
        let width = min(u.width, v.width)
        let height = min(u.height, v.height)
        var (uTotal, vTotal, distanceTotal, rows) = (UInt64(0), UInt64(0), 0.0, 0)
        for y in sampledRowIndices(height: height) {
            let (uRow, vRow) = (u.row(y), v.row(y))
            var lanes = SIMD8<Float>()
            var tail: Float = 0
            var x = 0
            while x &+ 8 <= width {
                var squared = SIMD8<Float>()
                for lane in 0..<8 {
                    let du = Float(uRow[x &+ lane]) - 128
                    let dv = Float(vRow[x &+ lane]) - 128
                    squared[lane] = du * du + dv * dv
                }
                lanes += squared.squareRoot()
                x &+= 8
            }
            while x < width {
                let du = Float(uRow[x]) - 128
                let dv = Float(vRow[x]) - 128
                tail += (du * du + dv * dv).squareRoot()
                x &+= 1
            }
            distanceTotal += Double(lanes.sum() + tail)
            uTotal &+= byteSum(uRow, count: width)
            vTotal &+= byteSum(vRow, count: width)
            rows += 1
        }
        let samples = Double(rows * width)
        return Chroma(
            meanU: Double(uTotal) / samples, meanV: Double(vTotal) / samples, saturation: distanceTotal / samples)
    }
}
