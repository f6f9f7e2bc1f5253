import Foundation
import MediaIO
import TestSupport
import Testing

/// The SIMD kernel against a plain scalar reference on synthetic planes of awkward sizes.
@Suite("Frame statistics kernel")
struct FrameStatisticsKernelTests {
    struct Reference {
        var mean: Double
        var stdDev: Double
        var dark: Double
        var bright: Double
        var laplacianVariance: Double
        var edgeDensity: Double
        var noise: Double
        var uniformFraction: Double
    }

    /// The definitions of `FrameStats`, written the obvious way.
    static func reference(_ pixels: [UInt8], width: Int, height: Int, stride rowStride: Int) -> Reference {
        func at(_ x: Int, _ y: Int) -> Int { Int(pixels[y * rowStride + x]) }
        // The mean over rows 0, step, 2·step, … with step = height / 256.
        let gridRows = Array(stride(from: 0, to: height, by: max(1, height / 256)))
        var sum = 0
        for y in gridRows {
            for x in 0..<width { sum += at(x, y) }
        }
        let mean = Double(sum) / Double(width * gridRows.count)
        // Everything else over rows 1, 1 + step, … with step = height / 64 (row 0 of a picture under 3 rows).
        let rows = height < 3 ? [0] : Array(stride(from: 1, to: height - 1, by: max(1, height / 64)))
        var sampledSum = 0
        var squares = 0
        var dark = 0
        var bright = 0
        var lapSum = 0
        var lapSquares = 0
        var edges = 0
        var mask = 0
        var flat = 0
        var samples = 0
        for y in rows {
            for x in 0..<width {
                let value = at(x, y)
                sampledSum += value
                squares += value * value
                if value <= Int(FrameStats.darkLevel) { dark += 1 }
                if value >= Int(FrameStats.brightLevel) { bright += 1 }
            }
            guard y >= 1, y + 1 < height, width >= 3 else { continue }
            for x in 1..<(width - 1) {
                let laplacian = 4 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1)
                lapSum += laplacian
                lapSquares += laplacian * laplacian
                let gradient = abs(at(x + 1, y) - at(x - 1, y)) + abs(at(x, y + 1) - at(x, y - 1))
                if gradient >= Int(FrameStats.edgeLevel) { edges += 1 }
                if gradient == 0 && laplacian == 0 { flat += 1 }
                // Immerkær's mask: the product of two second differences, [1 −2 1] across and down.
                var response = 0
                for (dy, wy) in [(-1, 1), (0, -2), (1, 1)] {
                    for (dx, wx) in [(-1, 1), (0, -2), (1, 1)] { response += wx * wy * at(x + dx, y + dy) }
                }
                mask += abs(response)
                samples += 1
            }
        }
        let count = Double(width * rows.count)
        let sampledMean = Double(sampledSum) / count
        let lapMean = samples > 0 ? Double(lapSum) / Double(samples) : 0
        return Reference(
            mean: mean,
            stdDev: max(0, Double(squares) / count - sampledMean * sampledMean).squareRoot(),
            dark: Double(dark) / count,
            bright: Double(bright) / count,
            laplacianVariance: samples > 0 ? max(0, Double(lapSquares) / Double(samples) - lapMean * lapMean) : 0,
            edgeDensity: samples > 0 ? Double(edges) / Double(samples) : 0,
            noise: samples > 0 ? (Double.pi / 2).squareRoot() * Double(mask) / (6 * Double(samples)) : 0,
            uniformFraction: samples > 0 ? Double(flat) / Double(samples) : 0)
    }

    static func compute(_ pixels: [UInt8], width: Int, height: Int, stride: Int, chroma: UInt8 = 128) -> FrameStats {
        let chromaPixels = [UInt8](repeating: chroma, count: 4)
        return pixels.withUnsafeBufferPointer { luma in
            chromaPixels.withUnsafeBufferPointer { c in
                let plane = Plane(base: luma.baseAddress!, width: width, height: height, stride: stride)
                let chromaPlane = Plane(base: c.baseAddress!, width: 2, height: 2, stride: 2)
                return FrameStatistics.compute(luma: plane, u: chromaPlane, v: chromaPlane)
            }
        }
    }

    @Test(
        "matches the scalar reference exactly on random, blocky, stepped and checkerboard planes",
        arguments: [
            (1, 1), (2, 5), (3, 3), (17, 3), (18, 3), (31, 7), (32, 4), (33, 9), (67, 13), (320, 240), (321, 17),
            (1920, 36), (643, 1081), (1920, 1080),
        ])
    func matchesReference(_ size: (Int, Int)) {
        let (width, height) = size
        let stride = width + 13
        var generator = SplitMix(seed: UInt64(width * 1000 + height))
        let noise = (0..<(stride * height)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        // Random 5×5 blocks of a few levels, dark and bright included: flat neighbourhoods, edges of every strength.
        let levels: [UInt8] = [0, 10, 16, 100, 101, 180, 235, 255]
        let blockLevels = (0..<((stride / 5 + 1) * (height / 5 + 1))).map { _ in levels[Int(generator.next() % 8)] }
        let blocks = (0..<(stride * height)).map { blockLevels[(($0 / stride) / 5) * (stride / 5 + 1) + ($0 % stride) / 5] }
        // The extremes of the lane sums: a one-level step in a smooth sky (Laplacian −1 on the row above it, every
        // sample), and a pixel checkerboard of 0 and 255 (the largest Laplacian and mask).
        let step = (0..<(stride * height)).map { index -> UInt8 in index / stride % 2 == 0 ? 100 : 101 }
        let checkerboard = (0..<(stride * height)).map { index -> UInt8 in (index / stride + index % stride) % 2 == 0 ? 0 : 255 }
        for pixels in [noise, blocks, step, checkerboard] {
            Self.expectReference(pixels, width: width, height: height, stride: stride)
        }
        let flat = Self.compute(blocks, width: width, height: height, stride: stride).uniformFraction ?? 0
        #expect(width * height < 1000 || flat > 0.2, "the blocks must have flat neighbourhoods: \(flat)")
    }

    static func expectReference(_ pixels: [UInt8], width: Int, height: Int, stride: Int) {
        let stats = Self.compute(pixels, width: width, height: height, stride: stride)
        let expected = Self.reference(pixels, width: width, height: height, stride: stride)
        #expect(stats.meanLuma == expected.mean)
        #expect(abs(stats.lumaStdDev - expected.stdDev) < 1e-9)
        #expect(stats.darkFraction == expected.dark)
        #expect(stats.brightFraction == expected.bright)
        #expect(abs(stats.sharpness - expected.laplacianVariance) < 1e-6 * max(1, expected.laplacianVariance))
        #expect(stats.edgeDensity == expected.edgeDensity)
        #expect(abs((stats.noise ?? -1) - expected.noise) < 1e-9 * max(1, expected.noise))
        #expect(stats.uniformFraction == expected.uniformFraction)
    }

    @Test("noise is estimated from the mask, whatever the structure under it; a flat picture is all uniform")
    func noiseEstimate() {
        let (width, height) = (640, 360)
        var generator = SplitMix(seed: 17)
        // Gaussian noise of σ = 8 (Box–Muller) on the structured pattern, which alone has structure but no noise.
        let clean = Self.pattern(width: width, height: height)
        let noisy = clean.map { value -> UInt8 in
            let u1 = max(Double(generator.next() >> 11) / Double(1 << 53), 1e-12)
            let u2 = Double(generator.next() >> 11) / Double(1 << 53)
            let gaussian = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            return UInt8(max(0, min(255, (Double(value) + 8 * gaussian).rounded())))
        }
        let cleanStats = Self.compute(clean, width: width, height: height, stride: width)
        let noisyStats = Self.compute(noisy, width: width, height: height, stride: width)
        #expect(cleanStats.lumaStdDev > 20, "the pattern must have structure: \(cleanStats.lumaStdDev)")
        #expect((cleanStats.noise ?? 99) < 1.5, "\(String(describing: cleanStats.noise))")
        #expect(abs((noisyStats.noise ?? 0) - 8) < 0.8, "\(String(describing: noisyStats.noise))")
        let flat = Self.compute([UInt8](repeating: 90, count: width * height), width: width, height: height, stride: width)
        #expect(flat.uniformFraction == 1 && flat.noise == 0)
        #expect((noisyStats.uniformFraction ?? 1) < 0.05)
    }

    @Test("bars across the picture are stripes, in rows or columns; the structured pattern and a few bands are not")
    func stripes() {
        let (width, height) = (640, 360)
        let pattern = Self.pattern(width: width, height: height)
        func barred(period: Double, amplitude: Double, vertical: Bool) -> [UInt8] {
            pattern.indices.map { index in
                let position = Double(vertical ? index % width : index / width)
                return UInt8(max(0, min(255, (Double(pattern[index]) + amplitude * sin(2 * .pi * position / period)).rounded())))
            }
        }
        func stripes(_ pixels: [UInt8]) -> Double {
            Self.compute(pixels, width: width, height: height, stride: width).stripes ?? -1
        }
        #expect(stripes(pattern) < 4, "\(stripes(pattern))")
        // ±28 levels: the spread of a sine is its amplitude over √2, about 20.
        #expect(stripes(barred(period: 40, amplitude: 28, vertical: false)) > 15)
        #expect(stripes(barred(period: 24, amplitude: 28, vertical: true)) > 15)
        // Two wide bands (a horizon, a building) repeat fewer than four times: not bars.
        #expect(stripes(barred(period: 180, amplitude: 28, vertical: false)) < 8)
    }

    @Test("a flat picture has no contrast, no sharpness, no edges and a zero hash")
    func flatPicture() {
        let pixels = [UInt8](repeating: 90, count: 640 * 360)
        let stats = Self.compute(pixels, width: 640, height: 360, stride: 640, chroma: 100)
        #expect(stats.meanLuma == 90 && stats.lumaStdDev == 0)
        #expect(stats.sharpness == 0 && stats.edgeDensity == 0)
        #expect(stats.perceptualHash == 0)
        #expect(stats.meanU == 100 && stats.meanV == 100)
    }

    /// A structured picture with values in 40…200, so offsets and scaling never clip.
    static func pattern(width: Int, height: Int, offset: Double = 0, contrast: Double = 1, mirrored: Bool = false) -> [UInt8] {
        (0..<(width * height)).map { index in
            let x = Double(mirrored ? width - 1 - index % width : index % width)
            let y = Double(index / width)
            let waves: Double = 45 * sin(x / 37) * cos(y / 23)
            let diagonal: Double = 25 * sin((x + 2 * y) / 71)
            let structure: Double = waves + diagonal + 10 * cos(x * y / 9000)
            return UInt8((120 + offset + contrast * structure).rounded())
        }
    }

    @Test("the hash ignores brightness and contrast changes and tells a mirror image apart")
    func hashInvariances() {
        let (width, height) = (640, 360)
        func hash(_ pixels: [UInt8]) -> UInt64 {
            Self.compute(pixels, width: width, height: height, stride: width).perceptualHash
        }
        let original = hash(Self.pattern(width: width, height: height))
        #expect(original != 0)
        #expect(FrameStats.hashDistance(original, hash(Self.pattern(width: width, height: height, offset: 12))) <= 2)
        #expect(FrameStats.hashDistance(original, hash(Self.pattern(width: width, height: height, contrast: 0.7))) <= 2)
        #expect(FrameStats.hashDistance(original, hash(Self.pattern(width: width, height: height, mirrored: true))) >= 20)
    }
}
