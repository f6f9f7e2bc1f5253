/// The Laplacian pass of the sampled rows (sharpness, edges, flatness, Immerkær's noise): sixteen samples at a time in
/// 16-bit lanes, and one at a time for the rest of a row. Apart from the rest of the kernel because its lane
/// arithmetic, and the bounds that keep it exact, are a concern of their own.
extension FrameStatistics {
    fileprivate typealias Lanes = SIMD8<Int16>

    /// Lane sums of one run of blocks. A block adds two samples to each lane (its even and its odd sample), so a run of
    /// 16 blocks adds 32, and the bounds per lane are: |Laplacian| ≤ 1,020, 32,640 in all (signed); h² ≤ 1,024,
    /// 32,768 (read unsigned); −992 ≤ h·l ≤ 961, −31,744 … 30,752; l² ≤ 961, 30,752; |mask| ≤ 2,040, 65,280 (read
    /// unsigned). The extremes are ordinary pictures: a row over a one-level step of a smooth sky has Laplacian −1
    /// everywhere (l = 31), a pixel checkerboard the largest mask (kernel tests).
    private struct LaplacianLanes {
        var sum = Lanes()
        /// Σ|Laplacian|² as 1,024·Σh² + 64·Σh·l + Σl², with Laplacian = 32h + l, 0 ≤ l < 32: every product fits 16 bits.
        var highSquares = Lanes()
        var crossProducts = Lanes()
        var lowSquares = Lanes()
        var edges = Lanes()
        var flat = Lanes()
        var mask = Lanes()

        static let run = 16

        /// Adds the samples whose neighbourhoods are given, lane by lane; branch-free, as a comparison is the sign bit
        /// of a difference.
        @inline(__always)
        mutating func add(_ n: (ul: Lanes, u: Lanes, ur: Lanes, l: Lanes, c: Lanes, r: Lanes, dl: Lanes, d: Lanes, dr: Lanes)) {
            @inline(__always) func magnitude(_ value: Lanes) -> Lanes {
                let sign = value &>> 15
                return (value ^ sign) &- sign
            }
            let ring = n.l &+ n.r &+ n.u &+ n.d
            let laplacian = (n.c &<< 2) &- ring
            sum &+= laplacian
            let (high, low) = (laplacian &>> 5, laplacian & 31)
            highSquares &+= high &* high
            crossProducts &+= high &* low
            lowSquares &+= low &* low
            let gradient = magnitude(n.r &- n.l) &+ magnitude(n.d &- n.u)
            // +1 where gradient ≥ edgeLevel: the difference's sign is −1 below it.
            edges &+= ((gradient &- Lanes(repeating: FrameStats.edgeLevel)) &>> 15) &+ 1
            // +1 where gradient and Laplacian are both 0: (t | −t) has its sign bit set for any other t.
            let both = gradient | laplacian
            flat &+= ((both | (0 &- both)) &>> 15) &+ 1
            // Immerkær's mask [1 −2 1; −2 4 −2; 1 −2 1]: 4c − 2(l + r + u + d) + (ul + ur + dl + dr).
            mask &+= magnitude((n.c &<< 2) &- (ring &<< 1) &+ n.ul &+ n.ur &+ n.dl &+ n.dr)
        }

        func flush(into totals: inout RowTotals) {
            func total(_ lanes: Lanes) -> Int { (0..<Lanes.scalarCount).reduce(0) { $0 + Int(lanes[$1]) } }
            func unsigned(_ lanes: Lanes) -> Int {
                (0..<Lanes.scalarCount).reduce(0) { $0 + Int(UInt16(bitPattern: lanes[$1])) }
            }
            totals.laplacianSum += Int64(total(sum))
            totals.laplacianSquares += Int64(
                1024 * unsigned(highSquares) + 64 * total(crossProducts) + unsigned(lowSquares))
            totals.edges += total(edges)
            totals.flat += total(flat)
            totals.maskSum += Int64(unsigned(mask))
        }
    }

    /// The Laplacian, gradient, flatness and Immerkær sums of samples 1 ..< 1 + 16·blocks, sixteen at a time. The
    /// compiler vectorised the one-sample loop below four lanes wide, as its 32-bit sums asked, and it took 60 % of the
    /// kernel's time. Here sixteen bytes load as eight 16-bit lanes, whose low bytes are the even samples and high
    /// bytes the odd ones, so two loads per row give the left, centre and right neighbours of sixteen samples with no
    /// conversion (Swift's SIMD conversions were not inlined), and every sum stays in 16-bit lanes.
    @inline(__always)
    static func addLaplacianBlocks(
        _ above: UnsafePointer<UInt8>, _ row: UnsafePointer<UInt8>, _ below: UnsafePointer<UInt8>, blocks: Int,
        to totals: inout RowTotals
    ) {
        /// Samples x + 2i (even) and x + 2i + 1 (odd), i in 0..<8.
        @inline(__always) func pairs(_ line: UnsafePointer<UInt8>, _ x: Int) -> (even: Lanes, odd: Lanes) {
            let lanes = UnsafeRawPointer(line + x).loadUnaligned(as: Lanes.self)
            return (lanes & 0x00FF, (lanes &>> 8) & 0x00FF)
        }
        var block = 0
        while block < blocks {
            let end = min(blocks, block + LaplacianLanes.run)
            var lanes = LaplacianLanes()
            while block < end {
                // Centres x + 2i and x + 2i + 1: their left neighbours start at x − 1, their right ones at x + 1.
                let x = 1 &+ block &* 16
                let (a0, a1) = (pairs(above, x &- 1), pairs(above, x &+ 1))
                let (r0, r1) = (pairs(row, x &- 1), pairs(row, x &+ 1))
                let (b0, b1) = (pairs(below, x &- 1), pairs(below, x &+ 1))
                lanes.add((a0.even, a0.odd, a1.even, r0.even, r0.odd, r1.even, b0.even, b0.odd, b1.even))
                lanes.add((a0.odd, a1.even, a1.odd, r0.odd, r1.even, r1.odd, b0.odd, b1.even, b1.odd))
                block &+= 1
            }
            lanes.flush(into: &totals)
        }
        totals.laplacianSamples += blocks * 16
    }

    /// The same sums one sample at a time, for the samples after the last whole block (and small pictures).
    static func addLaplacianSamples(
        _ above: UnsafePointer<UInt8>, _ row: UnsafePointer<UInt8>, _ below: UnsafePointer<UInt8>, from start: Int,
        to end: Int, to totals: inout RowTotals
    ) {
        for x in start..<max(start, end) {
            let (centre, left, right) = (Int(row[x]), Int(row[x - 1]), Int(row[x + 1]))
            let (up, down) = (Int(above[x]), Int(below[x]))
            let laplacian = 4 * centre - left - right - up - down
            totals.laplacianSum += Int64(laplacian)
            totals.laplacianSquares += Int64(laplacian * laplacian)
            let gradient = abs(right - left) + abs(down - up)
            totals.edges += gradient >= Int(FrameStats.edgeLevel) ? 1 : 0
            totals.flat += gradient == 0 && laplacian == 0 ? 1 : 0
            // Immerkær's mask [1 −2 1; −2 4 −2; 1 −2 1]: 4c − 2(l + r + u + d) + (ul + ur + dl + dr).
            let corners = Int(above[x - 1]) + Int(above[x + 1]) + Int(below[x - 1]) + Int(below[x + 1])
            totals.maskSum += Int64(abs(4 * centre - 2 * (left + right + up + down) + corners))
            totals.laplacianSamples += 1
        }
    }
}
