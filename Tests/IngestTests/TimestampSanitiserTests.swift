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

    /// Feeds connections one after another: each starts again at timestamp zero after `away` seconds, sends its first
    /// `burst` frames at once (as a camera sends the GOP it buffered when a client connects), then one frame every
    /// `pace` seconds. Returns the placed packets with their arrival in seconds since the first packet.
    static func connections(
        _ count: Int, frames: Int, burst: Int, pace: Double, away: Double
    ) -> (TimestampSanitiser, [(placed: SanitisedTimestamp, arrival: Double)]) {
        var sanitiser = TimestampSanitiser(timeBase: tick90k, anchor: anchor)
        var arrival = 0.0
        var out: [(placed: SanitisedTimestamp, arrival: Double)] = []
        for connection in 0..<count {
            if connection > 0 { arrival += away }
            for frame in 0..<frames {
                if frame >= burst && !(connection == 0 && frame == 0) { arrival += pace }
                let dts = Int64(frame) * Self.frame
                let placed = sanitiser.place(
                    dts: dts, pts: dts, duration: Self.frame, arrival: 5_000_000_000 + UInt64(arrival * 1e9))
                out.append((placed, arrival))
            }
        }
        return (sanitiser, out)
    }

    @Test("each reconnect's burst does not add to the last: the timeline runs ahead of arrival by one burst at most")
    func reconnectBursts() {
        // Three connections, each sending its first second (25 frames) at once, then real time; 2 s away between.
        let (sanitiser, out) = Self.connections(3, frames: 200, burst: 25, pace: 0.04, away: 2)
        #expect(sanitiser.discontinuities.map(\.kind) == [.reset, .reset])
        #expect(zip(out, out.dropFirst()).allSatisfy { $0.placed.dts < $1.placed.dts })
        // Advanced by the time between packets instead, each burst added to the last: 2.9 s ahead in the third.
        let leads = out.map { $0.placed.seconds - $0.arrival }
        #expect(leads.max()! < 1.0 + 1e-6, "ahead of arrival by at most one burst, not by every burst so far")
        // At each break the timeline is back on the arrival clock.
        for index in [200, 400] {
            #expect(abs(leads[index]) < 1e-6, "packet \(index) placed at its arrival")
        }
    }

    @Test("a source slower than real time is not pulled forward at a break: the timeline goes on by the time passed")
    func starvedSourceKeepsItsPace() {
        // 25 frames/s of timestamps arriving at 15 frames/s: the timeline falls behind by 40 % of the time passed.
        let (_, out) = Self.connections(2, frames: 150, burst: 0, pace: 1.0 / 15, away: 1)
        let behind = out[149].arrival - out[149].placed.seconds
        #expect(behind > 3.9)
        // Across the break: the second away, plus the frame's own pace, and no more (a jump to the arrival clock would
        // fall where no gap is recorded when the break is a glitch within a connection).
        #expect(abs((out[150].placed.seconds - out[149].placed.seconds) - (1 + 1.0 / 15)) < 1e-4)
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
