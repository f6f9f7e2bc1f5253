import Archive
import Foundation
import Ingest
import Testing

@Suite("Outages from health history")
struct OutageTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func history(_ steps: [(Double, String, String?)]) -> [HealthRecord] {
        steps.map { HealthRecord(camera: "c", at: t0.addingTimeInterval($0.0), state: $0.1, reason: $0.2) }
    }

    @Test("an outage runs from the first failure to the next streaming; shorter than the threshold is none")
    func thresholds() {
        let records = Self.history([
            (0, "connecting", nil), (1, "streaming", nil),
            (10, "offline", "ended"), (10.1, "connecting", nil), (11, "streaming", nil),  // 1 s: a reconnect
            (20, "stalled", "noData"), (20.1, "connecting", nil), (21, "offline", "refused"), (23, "connecting", nil),
            (24, "offline", "refused"), (32, "connecting", nil), (33, "streaming", nil),  // 13 s
            (40, "offline", "unauthorised"),  // still out
        ])
        let outages = Outage.find(in: records, threshold: 5, now: Self.t0.addingTimeInterval(50))
        #expect(outages.count == 2)
        #expect(outages[0].from == Self.t0.addingTimeInterval(20) && outages[0].to == Self.t0.addingTimeInterval(33))
        #expect(outages[0].state == .stalled && outages[0].reason == .noData)
        #expect(outages[1].to == nil && outages[1].reason == .unauthorised)
        #expect(Outage.find(in: records, threshold: 0.5, now: Self.t0.addingTimeInterval(50)).count == 3)
        // A stop (camera removed, service stopped) is not an outage of the camera.
        #expect(
            Outage.find(in: Self.history([(0, "streaming", nil), (1, "offline", "ended"), (2, "stopped", nil)]), threshold: 0)
                .isEmpty)
    }
}
