import Access
import Events
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MediaIO
import Testing

/// Issue 17, item 1: a camera's reference picture over the API.
@Suite("Reference picture over the API")
struct ReferenceRouteTests {
    @Test("an operator sets it from a recorded moment, viewers read it, it reaches the detector, both changes are audited")
    func setShowClear() async throws {
        let fixture = try GatewayFixture()
        let path = "/api/cameras/\(GatewayFixture.camera)/reference"
        let moment = fixture.keyframeTimes[3].addingTimeInterval(0.4)
        try await fixture.application.test(.router) { client in
            func put(_ body: String, _ role: Role = .operator) async throws -> TestResponse {
                try await client.execute(uri: path, method: .put, headers: fixture.headers(role), body: ByteBuffer(string: body))
            }
            let none = try await client.execute(uri: path, method: .get, headers: fixture.headers(.viewer))
            #expect(none.status == .notFound && none.text.contains("no reference picture"), "\(none.text)")
            let forbidden = try await put(#"{"at":"\#(TimeText.format(moment))"}"#, .viewer)
            #expect(forbidden.status == .forbidden)

            let before = try fixture.audit().count
            let set = try await put(#"{"at":"\#(TimeText.format(moment))"}"#)
            #expect(set.status == .ok, "\(set.text)")
            let reference = try set.json(ReferencePicture.self)
            // The nearest analysed keyframe, and every keyframe of the 12 s recording as its scene.
            #expect(abs(reference.keyframeAt.timeIntervalSince(fixture.keyframeTimes[3])) < 0.001)
            #expect(reference.sceneHashes.count == fixture.keyframeTimes.count)
            #expect(reference.setBy == "test-operator")
            // The detector judges with what was stored (the API's answer rounds its times to the millisecond).
            let stored = try #require(try fixture.services.events.reference(camera: GatewayFixture.camera))
            #expect(fixture.services.engine.reference(of: GatewayFixture.camera)?.sceneHashes == stored.sceneHashes)
            #expect(stored.setBy == reference.setBy && stored.sceneHashes == reference.sceneHashes)
            #expect(abs(stored.keyframeAt.timeIntervalSince(reference.keyframeAt)) < 0.001)
            let shown = try await client.execute(uri: path, method: .get, headers: fixture.headers(.viewer))
            #expect(try shown.json(ReferencePicture.self).sceneHashes == reference.sceneHashes)

            let far = try await put(#"{"at":"\#(TimeText.format(moment.addingTimeInterval(-3600)))"}"#)
            #expect(far.status == .unprocessableContent && far.text.contains("no analysed keyframe within 30 s"), "\(far.text)")
            let noTime = try await put("{}")
            #expect(noTime.status == .unprocessableContent && noTime.text.contains("at"))
            let unknown = try await client.execute(
                uri: "/api/cameras/33019900001329999999/reference", method: .put, headers: fixture.headers(.operator),
                body: ByteBuffer(string: #"{"at":"\#(TimeText.format(moment))"}"#))
            #expect(unknown.status == .notFound)

            let cleared = try await client.execute(uri: path, method: .delete, headers: fixture.headers(.operator))
            #expect(cleared.status == .noContent)
            #expect(fixture.services.engine.reference(of: GatewayFixture.camera) == nil)
            #expect(try fixture.services.events.reference(camera: GatewayFixture.camera) == nil)
            let again = try await client.execute(uri: path, method: .delete, headers: fixture.headers(.operator))
            #expect(again.status == .notFound)
            let audit = try fixture.audit().dropFirst(before)
            #expect(
                audit.map { "\($0.action) \($0.target)" } == [
                    "camera.reference.set \(GatewayFixture.camera)", "camera.reference.clear \(GatewayFixture.camera)",
                ], "\(audit)")
            // The set names the keyframe taken (to the millisecond).
            let format = ISO8601DateFormatter()
            format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let named = audit.first?.detail.flatMap { format.date(from: $0) }
            #expect(named.map { abs($0.timeIntervalSince(stored.keyframeAt)) < 0.002 } == true, "\(audit)")
        }
    }
}
