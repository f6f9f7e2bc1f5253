import CameraRegistry
import Foundation
import Testing

@testable import GB28181

@Suite("Device registrations")
struct DeviceRegistrationsTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = KeepalivePolicy(interval: 60, count: 3)

    @Test("a recorded day: register, keepalives, silence, unregister, expiry")
    func replay() {
        var book = DeviceRegistrations(restoring: [], policy: policy, at: t0)
        _ = book.register("A", address: "udp:127.0.0.1:5070", expires: 3600, version: "3.0", userAgent: nil, at: t0)
        _ = book.register("B", address: "udp:127.0.0.1:5071", expires: 100, version: nil, userAgent: nil, at: t0)
        #expect(book.keepalive("C", address: "udp:127.0.0.1:5072", at: t0) == nil, "a keepalive is no registration")
        for second in stride(from: 60.0, through: 600, by: 60) {
            _ = book.keepalive("A", address: "udp:127.0.0.1:5070", at: t0.addingTimeInterval(second))
        }
        // B's registration expired at 100 s.
        #expect(book.sweep(at: t0.addingTimeInterval(99)).isEmpty)
        #expect(book.sweep(at: t0.addingTimeInterval(100)).map(\.device) == ["B"])
        // A's last keepalive was at 600 s: online at 780 s (3 × 60 s), offline after.
        #expect(book.sweep(at: t0.addingTimeInterval(780)).isEmpty)
        #expect(book.sweep(at: t0.addingTimeInterval(781)).map(\.device) == ["A"])
        #expect(book.sweep(at: t0.addingTimeInterval(782)).isEmpty, "offline once")
        #expect(book.keepalive("A", address: "udp:127.0.0.1:5070", at: t0.addingTimeInterval(790)) == nil)
        _ = book.register(
            "A", address: "udp:127.0.0.1:5070", expires: 3600, version: "3.0", userAgent: nil, at: t0.addingTimeInterval(800))
        #expect(book.isOnline("A"))
        #expect(book.unregister("A")?.online == false)
        #expect(!book.isOnline("A"))
    }

    @Test("a restart keeps online the devices still within their bounds, and only those")
    func restart() throws {
        var book = DeviceRegistrations(restoring: [], policy: policy, at: t0)
        _ = book.register(
            "34020000001320000001", address: "udp:127.0.0.1:5070", expires: 3600, version: nil, userAgent: nil, at: t0)
        _ = book.register(
            "34020000001320000002", address: "udp:127.0.0.1:5071", expires: 3600, version: nil, userAgent: nil, at: t0)
        _ = book.keepalive("34020000001320000001", address: "udp:127.0.0.1:5070", at: t0.addingTimeInterval(170))
        let persisted = try book.registrations.map { id, registration in
            GBDevice(id: try DeviceID(id), registration: registration)
        }
        let restored = DeviceRegistrations(restoring: persisted, policy: policy, at: t0.addingTimeInterval(200))
        #expect(restored.isOnline("34020000001320000001"))
        #expect(!restored.isOnline("34020000001320000002"), "silent for 200 s > 180 s")
    }

    @Test("the unauthenticated rate per source: a burst, then the rate, memory bounded")
    func rateLimit() {
        var limiter = SourceRateLimiter(rate: 10, burst: 20, maximumSources: 100)
        let allowed = (0..<100).filter { _ in limiter.allow("198.51.100.1", at: t0) }.count
        #expect(allowed == 20)
        let refilled = limiter.allow("198.51.100.1", at: t0.addingTimeInterval(0.1))
        let spent = limiter.allow("198.51.100.1", at: t0.addingTimeInterval(0.1))
        #expect(refilled && !spent, "one token back after 0.1 s at 10/s")
        for index in 0..<10_000 { _ = limiter.allow("10.0.\(index / 256).\(index % 256)", at: t0) }
        #expect(limiter.sources <= 100)
    }

    @Test("catalog subscriptions: asked after registration, refreshed at three quarters, asked again after a refusal")
    func subscriptions() {
        var book = CatalogSubscriptions(period: 3600)
        let dialog = SubscriptionDialog(callID: "c", from: "f", to: "t", remoteTarget: "sip:A@h", cseq: 1)
        let at = { (second: Double) in self.t0.addingTimeInterval(second) }
        #expect(book.due(online: ["A": t0, "B": t0], at: at(1)).isEmpty, "not before the catalog query has gone")
        #expect(book.due(online: ["A": t0, "B": t0], at: at(2)).map(\.device) == ["A", "B"])
        #expect(book.due(online: ["A": t0, "B": t0], at: at(3)).isEmpty, "once while an answer is awaited")
        book.accepted("A", dialog: dialog, expires: nil, at: at(3))
        book.refused("B", at: at(3))
        #expect(book.isActive("A", at: at(4)) && !book.isActive("B", at: at(4)))
        #expect(book.due(online: ["A": t0, "B": t0], at: at(2_702)).isEmpty)
        let refresh = book.due(online: ["A": t0, "B": t0], at: at(2_703))
        #expect(refresh.map(\.device) == ["A"] && refresh.first?.refresh?.cseq == 2, "in its dialog, next CSeq")
        book.accepted("A", dialog: refresh[0].refresh!, expires: 3600, at: at(2_703))
        #expect(book.due(online: ["A": t0, "B": t0], at: at(3_603)).map(\.device) == ["B"], "refused: an hour later")
        book.unanswered("B", at: at(3_603))
        #expect(book.due(online: ["A": t0], at: at(3_604)).isEmpty)
        #expect(book.states["B"] == nil, "offline: forgotten, asked anew when it returns")
        #expect(book.due(online: ["A": t0, "B": at(3_700)], at: at(3_702)).map(\.device) == ["B"])
        var off = CatalogSubscriptions(period: 0)
        #expect(off.due(online: ["A": t0], at: at(10)).isEmpty, "a period of 0 asks for none")
    }
}
