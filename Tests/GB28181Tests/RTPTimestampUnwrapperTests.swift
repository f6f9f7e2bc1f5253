import Foundation
import Ingest
import MediaIO
import Testing

@testable import GB28181

/// A device that writes no PES PTS is timed by its 32-bit RTP timestamps, which go round every 13.25 hours at 90 kHz.
@Suite("RTP timestamps across the 32-bit wrap")
struct RTPTimestampUnwrapperTests {
    /// 25 frames a second for `count` frames from `start`, as the device stamps them (modulo 2^32).
    static func stamps(from start: UInt32, count: Int) -> [UInt32] {
        (0..<count).map { start &+ UInt32($0) &* 3_600 }
    }

    @Test("unwrapped, the timestamps keep growing through the wrap; a late frame from before it stays before it")
    func wrap() {
        var clock = RTPTimestampUnwrapper()
        let stamps = Self.stamps(from: UInt32.max - 36_000, count: 50)
        let unwrapped = stamps.map { clock.unwrap($0) }
        #expect(zip(unwrapped, unwrapped.dropFirst()).allSatisfy { $1 - $0 == 3_600 })
        #expect(unwrapped.last! > Int64(UInt32.max))
        // A frame reordered from just before the wrap, after it: counted in the previous round.
        #expect(clock.unwrap(UInt32.max - 100) == Int64(UInt32.max - 100))
        #expect(clock.unwrap(stamps.last! &+ 3_600) == unwrapped.last! + 3_600)
        // A device's own reset (a step back of less than half the range) is passed on as a step back.
        #expect(clock.unwrap(1_000) < unwrapped.last!)
    }

    @Test("through the sanitiser, as the recorder places them: no discontinuity at the wrap (before: a reset)")
    func sanitised() {
        var clock = RTPTimestampUnwrapper()
        var sanitiser = TimestampSanitiser(timeBase: Rational(1, 90_000), anchor: Date(timeIntervalSince1970: 1_800_000_000))
        var arrival: UInt64 = 0
        var placed: [SanitisedTimestamp] = []
        for stamp in Self.stamps(from: UInt32.max - 90_000 * 10, count: 500) {
            let pts = clock.unwrap(stamp)
            placed.append(sanitiser.place(dts: pts, pts: pts, duration: 3_600, arrival: arrival))
            arrival += 40_000_000
        }
        #expect(placed.allSatisfy { $0.discontinuity == nil }, "\(sanitiser.discontinuities)")
        #expect(abs(placed.last!.seconds - 499 * 0.04) < 0.001)
        // The raw 32-bit timestamps, as placed before: the wrap was taken for a reset.
        var unfixed = TimestampSanitiser(timeBase: Rational(1, 90_000), anchor: Date(timeIntervalSince1970: 1_800_000_000))
        arrival = 0
        for stamp in Self.stamps(from: UInt32.max - 90_000 * 10, count: 500) {
            _ = unfixed.place(dts: Int64(stamp), pts: Int64(stamp), duration: 3_600, arrival: arrival)
            arrival += 40_000_000
        }
        #expect(!unfixed.discontinuities.isEmpty)
    }
}
