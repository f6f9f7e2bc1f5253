import Foundation
import Ingest
import MediaIO
import Testing

@Suite("Timestamp sanitiser")
struct TimestampSanitiserTests {
    static let tick90k = Rational(1, 90_000)
    static let frame: Int64 = 3_600  // 25 fps at 90 kHz
    static let frameNanos: UInt64 = 40_000_000
    static let anchor = Date(timeIntervalSince1970: 1_800_000_000)

    /// Feeds frames with DTS from `timestamps` arriving 40 ms apart (plus `extraDelay` before frame `at`).
    static func run(
        _ timestamps: [Int64?], delayBefore: [Int: UInt64] = [:], ptsOffset: (Int) -> Int64 = { _ in 0 }
    ) -> (TimestampSanitiser, [SanitisedTimestamp]) {
        var sanitiser = TimestampSanitiser(timeBase: tick90k, anchor: anchor)
        var arrival: UInt64 = 5_000_000_000
        var out: [SanitisedTimestamp] = []
        for (index, dts) in timestamps.enumerated() {
            arrival += frameNanos + (delayBefore[index] ?? 0)
            out.append(sanitiser.place(dts: dts, pts: dts.map { $0 + ptsOffset(index) }, duration: frame, arrival: arrival))
        }
        return (sanitiser, out)
    }

    static func strictlyIncreasing(_ values: [SanitisedTimestamp]) -> Bool {
        zip(values, values.dropFirst()).allSatisfy { $0.dts < $1.dts }
    }

    @Test("a steady stream keeps its spacing and composition offsets, anchored to the wall clock")
    func steady() {
        let start: Int64 = 123_456
        let (sanitiser, out) = Self.run(
            (0..<100).map { start + Int64($0) * Self.frame }, ptsOffset: { $0 % 3 == 0 ? 7_200 : 3_600 })
        #expect(sanitiser.discontinuities.isEmpty)
        #expect(out.map(\.dts) == (0..<100).map { Int64($0) * Self.frame })
        #expect(out[3].pts - out[3].dts == 7_200 && out[4].pts - out[4].dts == 3_600)
        #expect(out[50].seconds == 2.0 && out[50].wallClock == Self.anchor.addingTimeInterval(2))
    }

    @Test("a restart at zero is one reset; the timeline goes on by the time that really passed")
    func resetToZero() {
        var timestamps: [Int64?] = (0..<50).map { 900_000 + Int64($0) * Self.frame }
        timestamps += (0..<50).map { Int64($0) * Self.frame }
        // The camera was away 3 s before it came back at zero.
        let (sanitiser, out) = Self.run(timestamps, delayBefore: [50: 3_000_000_000])
        #expect(sanitiser.discontinuities.map(\.kind) == [.reset])
        #expect(Self.strictlyIncreasing(out))
        #expect(abs((out[50].seconds - out[49].seconds) - 3.04) < 1e-9)
        #expect(out[51].dts - out[50].dts == Self.frame)
    }

    @Test("a jump back by an hour and a leap ahead by five hours are each one discontinuity")
    func jumps() {
        var timestamps: [Int64?] = (0..<30).map { 400_000_000 + Int64($0) * Self.frame }
        timestamps += (0..<30).map { 400_000_000 - 324_000_000 + Int64($0) * Self.frame }  // back one hour
        timestamps += (0..<30).map { 76_000_000 + 1_620_000_000 + Int64($0) * Self.frame }  // ahead five hours
        let (sanitiser, out) = Self.run(timestamps)
        #expect(sanitiser.discontinuities.map(\.kind) == [.backward, .forwardJump])
        #expect(Self.strictlyIncreasing(out))
        // Both breaks cost one frame of timeline: the packets arrived 40 ms apart.
        #expect(out.last!.seconds == Double(89) * 0.04)
    }

    @Test("the 33-bit clock wrapping is absorbed exactly and recorded")
    func wrap() {
        let period: Int64 = 1 << 33
        let timestamps: [Int64?] = (0..<40).map { (period - 20 * Self.frame + Int64($0) * Self.frame) % period }
        let (sanitiser, out) = Self.run(timestamps)
        #expect(sanitiser.discontinuities.map(\.kind) == [.wrap])
        #expect(out.map(\.dts) == (0..<40).map { Int64($0) * Self.frame }, "spacing must be untouched across the wrap")
    }

    @Test("a repeated timestamp is placed one tick later, with no discontinuity")
    func equalTimestamps() {
        let (sanitiser, out) = Self.run([0, 3_600, 3_600, 7_200, 7_200, 10_800])
        #expect(sanitiser.discontinuities.isEmpty)
        #expect(out.map(\.dts) == [0, 3_600, 3_601, 7_200, 7_201, 10_800])
    }

    @Test("missing timestamps are inferred from the previous packet and recorded")
    func missing() {
        let (sanitiser, out) = Self.run([0, 3_600, nil, 10_800, 14_400])
        #expect(sanitiser.discontinuities.map(\.kind) == [.missing])
        #expect(out.map(\.dts) == [0, 3_600, 7_200, 10_800, 14_400])
    }

    @Test("random faults: each injected fault is one discontinuity and the timeline never goes back")
    func randomFaults() {
        var state: UInt64 = 99
        func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % bound
        }
        var timestamps: [Int64?] = []
        var injected = 0
        var current: Int64 = 1_000_000
        for index in 0..<5_000 {
            if index > 0 && next(100) == 0 {
                injected += 1
                switch next(3) {
                case 0: current = 0  // reset
                case 1: current = max(0, current - 90_000 * Int64(10 + next(7_200)))  // back 10 s to 2 h
                default: current += 90_000 * Int64(60 + next(36_000))  // ahead 1 min to 10 h
                }
                if current == timestamps.last.flatMap({ $0 }) { current += 1 }
            } else if index > 0 {
                current += Self.frame
            }
            timestamps.append(current)
        }
        let (sanitiser, out) = Self.run(timestamps)
        #expect(Self.strictlyIncreasing(out))
        #expect(sanitiser.discontinuities.count == injected)
        #expect(abs(out.last!.seconds - Double(4_999) * 0.04) < 1e-6, "the timeline follows arrival time through every fault")
    }
}
