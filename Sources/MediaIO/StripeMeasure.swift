/// Periodic bars in a picture (interference, a failing cable, rolling hum bars), judged from one mean profile: the
/// mean luma of each row (horizontal bars) or of each column (vertical ones).
///
/// A scene's profile has structure too (a horizon, a building, the test source's colour bars), but little of it repeats
/// at one period many times across the picture. The measure keeps what a moving average an eighth of the profile wide
/// leaves (bars up to that wide), finds the strongest repeat of it at a lag between its first zero crossing and a
/// quarter of the profile (at least four periods), and weighs the profile's spread by that repeat's correlation:
/// the test scene gives 1–3 levels, ±28-level bars 20.
enum StripeMeasure {
    /// Profiles longer than this are averaged into about this many bins first, so the autocorrelation costs the same
    /// at any resolution (1080 rows: bins of 3 rows, bars down to a 6-row period still seen).
    static let binTarget = 360

    /// The strength of a profile's periodic bars, in luma levels; 0 for a profile too short to tell (under 16 bins).
    static func strength(_ profile: [Double]) -> Double {
        let values = binned(profile)
        let count = values.count
        guard count >= 16 else { return 0 }
        let residual = highPassed(values)
        let energy = residual.reduce(0) { $0 + $1 * $1 }
        guard energy > 0 else { return 0 }
        var crossed = false
        var peak = 0.0
        for lag in 2...(count / 4) {
            let sum = residual.withUnsafeBufferPointer { lagProduct($0, lag: lag) }
            // Normalised by the energy, and scaled up for the overlap the lag loses.
            let correlation = sum / energy * Double(count) / Double(count - lag)
            if correlation < 0 { crossed = true }
            if crossed { peak = max(peak, correlation) }
        }
        return (energy / Double(count)).squareRoot() * peak
    }

    /// Σ values[i]·values[i + lag], over four running sums: one float sum is a chain of dependent additions, which
    /// LLVM may not reorder, and the autocorrelation took a tenth of the kernel's time that way.
    static func lagProduct(_ values: UnsafeBufferPointer<Double>, lag: Int) -> Double {
        let count = values.count - lag
        var sums = SIMD4<Double>()
        var index = 0
        while index + 4 <= count {
            let near = SIMD4<Double>(values[index], values[index + 1], values[index + 2], values[index + 3])
            let far = index + lag
            sums += near * SIMD4<Double>(values[far], values[far + 1], values[far + 2], values[far + 3])
            index += 4
        }
        var tail = 0.0
        while index < count {
            tail += values[index] * values[index + lag]
            index += 1
        }
        return sums.sum() + tail
    }

    /// Means of runs of whole entries, about `binTarget` of them.
    static func binned(_ profile: [Double]) -> [Double] {
        let size = (profile.count + binTarget - 1) / binTarget
        guard size > 1 else { return profile }
        return stride(from: 0, to: profile.count - size + 1, by: size).map { start in
            profile[start..<(start + size)].reduce(0, +) / Double(size)
        }
    }

    /// The profile minus its centred moving average (an odd window about an eighth of its length; shorter at the
    /// ends), from prefix sums.
    static func highPassed(_ values: [Double]) -> [Double] {
        let count = values.count
        let half = (count / 8) / 2
        var prefix = [0.0]
        prefix.reserveCapacity(count + 1)
        for value in values { prefix.append(prefix.last! + value) }
        return values.indices.map { index in
            let low = max(0, index - half)
            let high = min(count, index + half + 1)
            return values[index] - (prefix[high] - prefix[low]) / Double(high - low)
        }
    }
}
