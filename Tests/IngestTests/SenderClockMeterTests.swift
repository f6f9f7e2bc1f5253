import Foundation
import Testing

@testable import Ingest

@Suite("Sender clock meter")
struct SenderClockMeterTests {
    /// Replays keyframes of a 90 kHz stream whose camera clock is `ahead` seconds ahead, one a second, the Nth arriving
    /// `delays[N]` seconds late on the way.
    @Test("the median of the first 9 keyframes, a late one ignored; nothing before a sender report; settled after 9")
    func medianAndSettling() {
        var meter = SenderClockMeter(secondsPerTick: 1.0 / 90_000)
        let zero = Date(timeIntervalSince1970: 1_800_000_000)
        // The camera's wall clock at timestamp 0, in microseconds: 30 s ahead of the gateway's.
        let senderClockAtZero = Int64((zero.timeIntervalSince1970 + 30) * 1e6)
        // Before the camera told its clock, keyframes say nothing.
        #expect(meter.keyframe(pts: 0, senderClockAtZero: nil, arrival: zero) == nil)
        let delays = [0.02, 0.03, 4.0, 0.02, 0.01, 0.02, 0.03, 0.02, 0.02]
        for (n, delay) in delays.enumerated() {
            #expect(!meter.isSettled)
            meter.keyframe(
                pts: Int64(n + 1) * 90_000, senderClockAtZero: senderClockAtZero,
                arrival: zero.addingTimeInterval(Double(n + 1) + delay))
        }
        #expect(meter.isSettled)
        // 30 s less the median delay (0.02 s): the keyframe held up for 4 s does not move it.
        #expect(abs((meter.offset ?? 0) - 29.98) < 1e-6, "\(meter.offset as Any)")
    }
}
