import Archive
import Events
import Foundation
import TestSupport
import Testing

/// Issue 17, item 1, live: the greyscale fault clip streamed to two cameras, one where the sun is high now and one
/// where it is midnight (longitudes worked out from this machine's clock, on the equator: the sun 66° up or down
/// whatever the season). The first raises IR-cut once and clears it when colour returns; the second raises nothing.
@Suite("IR-cut, live")
struct LiveIRCutTests {
    /// The longitude where local solar time is `hour` now (within the equation of time's quarter of an hour).
    static func longitude(solarHour hour: Double, now: Date = Date()) -> Double {
        let utcHours = now.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3600
        var longitude = (hour - utcHours) * 15
        while longitude > 180 { longitude -= 360 }
        while longitude <= -180 { longitude += 360 }
        return longitude
    }

    @Test("a greyscale clip raises IR-cut where the sun is up and nothing where it is night")
    func byTheSun() throws {
        let clip = try Fixtures.makeMediaClip("greyscale")
        let ids = ["33019900001320000071", "33019900001320000072"]
        let simulator = try CameraSimulator(cameras: ids, clips: [ids[0]: clip, ids[1]: clip])
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-ircut-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        for (id, hour) in zip(ids, [12.0, 0]) {
            let added = try SkygateBinary.run([
                // "--longitude=-120.5": a separate negative number would read as an option.
                "camera", "add", id, "--name", id, "--url", simulator.url(id),
                "--longitude=\(Self.longitude(solarHour: hour))", "--latitude", "0", "--data-dir", data,
            ])
            #expect(added.status == 0, "\(added.standardError)")
        }
        let gateway = try GatewayProcess(dataDirectory: data)
        defer { _ = gateway.stop() }
        let store = try EventStore(path: data + "/events.sqlite")
        // The clip is greyscale from 30 s to 90 s; cleared three keyframes (one a second) after.
        let deadline = Date() + 125
        func dayEvents() throws -> [Event] { try store.events(EventQuery(device: ids[0])) }
        while Date() < deadline, try !dayEvents().contains(where: { $0.clearedAt != nil }) { Thread.sleep(forTimeInterval: 1) }
        let index = RecordingIndex(store: try ArchiveDatabase(path: data + "/archive.sqlite"))
        let first = try #require(try index.oldestKeyframe(camera: ids[0])?.wallClock)
        let day = try dayEvents()
        #expect(day.map(\.kind) == [.irCut], "\(day.map { "\($0.kind.rawValue) \($0.since.timeIntervalSince(first))" })")
        if let event = day.first {
            let raised = event.raisedAt.timeIntervalSince(first)
            let cleared = event.clearedAt.map { $0.timeIntervalSince(first) } ?? .infinity
            #expect(raised >= 30 && raised <= 30 + 2 + 3 + 1, "raised at \(raised) s")
            #expect(cleared >= 90 && cleared <= 90 + 2 + 3 + 1, "cleared at \(cleared) s")
            #expect((event.evidence["sunElevation"] ?? 0) > 60 && (event.evidence["saturation"] ?? 99) < 2)
        }
        let night = try store.events(EventQuery(device: ids[1]))
        #expect(night.isEmpty, "night camera: \(night.map(\.kind.rawValue))")
        #expect(try index.oldestKeyframe(camera: ids[1]) != nil, "the night camera streamed too")
    }
}
