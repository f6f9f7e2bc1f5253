import Access
import Archive
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MediaIO
import TestSupport
import Testing

/// The keyframe wall: one audited mint per wall opened, thumbnails served from the files the analyser keeps, behind
/// the same short-lived media capabilities as playback.
@Suite("Keyframe wall")
struct WallTests {
    struct Grant: Decodable {
        struct Tile: Decodable {
            var camera: String
            var name: String
            var thumbnail: String
        }

        var tiles: [Tile]
        var expiresAt: String
    }

    @Test("a wall is one audit row; its tiles' thumbnails need no bearer token, and stop working when they expire")
    func wall() async throws {
        let fixture = try GatewayFixture()
        let camera = GatewayFixture.camera
        // The thumbnail the analyser would have kept of the last keyframe: a real JPEG of the fixture's recording.
        let last = fixture.keyframeTimes.last!
        let jpeg = try SnapshotEncoder.jpeg(segment: fixture.segment, byteOffset: 0, maxWidth: SnapshotEncoder.thumbnailWidth)
        try ThumbnailStore(beside: fixture.services.archive).keep(jpeg, camera: camera, wallClock: last)
        let thumbnail = try await fixture.application.test(.router) { client in
            let viewer = try await client.execute(uri: "/api/wall", method: .post, headers: fixture.headers(.viewer))
            #expect(viewer.status == .forbidden, "pictures are an operator's: \(viewer.status)")
            let both = try await client.execute(
                uri: "/api/wall?grid=g&cameras=\(camera)", method: .post, headers: fixture.headers(.operator))
            #expect(both.status == .badRequest)
            let unknown = try await client.execute(
                uri: "/api/wall?cameras=\(camera),33019900001320000777", method: .post, headers: fixture.headers(.operator))
            #expect(unknown.status == .notFound, "\(unknown.text)")

            let minted = try await client.execute(
                uri: "/api/wall?cameras=\(camera)", method: .post, headers: fixture.headers(.operator))
            #expect(minted.status == .created, "\(minted.text)")
            let grant = try JSONDecoder().decode(Grant.self, from: Data(minted.text.utf8))
            #expect(grant.tiles.map(\.camera) == [camera])
            for token in fixture.tokens.values { #expect(!minted.text.contains(token)) }
            // Refreshed three times, as a page does: no bearer header, no audit row each.
            for _ in 0..<3 {
                let picture = try await client.execute(uri: grant.tiles[0].thumbnail, method: .get)
                #expect(picture.status == .ok && picture.headers[.contentType] == "image/jpeg")
                #expect(Data(picture.body.readableBytesView) == jpeg)
                #expect(picture.headers[HTTPField.Name("Skygate-Keyframe-Time")!] == TimeText.format(last))
            }
            let audit = try await client.execute(
                uri: "/api/audit?action=wall.view", method: .get, headers: fixture.headers(.admin))
            let rows = try JSONSerialization.jsonObject(with: Data(audit.text.utf8)) as? [[String: Any]]
            #expect(rows?.count == 1 && rows?.first?["detail"] as? String == "1 cameras", "\(audit.text)")
            #expect(rows?.first?["target"] as? String == camera, "the row names the cameras: \(audit.text)")
            // A thumbnail URL plays no video: not the playlists, not a segment, not a GOP.
            let token = grant.tiles[0].thumbnail.split(separator: "/")[1]
            let segment = (fixture.segment as NSString).lastPathComponent
            for video in ["index.m3u8", "live.m3u8", segment, "0-188/\(segment)"] {
                let answer = try await client.execute(uri: "/play/\(token)/\(video)", method: .get)
                #expect(answer.status == .forbidden && answer.text.contains("not for video"), "\(video): \(answer.text)")
            }
            let key = fixture.services.access.mediaCapabilityKey
            // Nor does a playback URL show the camera's picture, and a thumbnail URL of an earlier hour shows none.
            let playback = MediaCapability(camera: camera, from: last - 60, to: last + 60, expires: last + 600)
            let asVideo = try await client.execute(uri: "/play/\(playback.token(signedWith: key))/thumbnail.jpg", method: .get)
            #expect(asVideo.status == .forbidden, "\(asVideo.status)")
            let past = MediaCapability(
                camera: camera, from: last - 7200, to: last - 3600, expires: last + 600, use: .thumbnail)
            let earlier = try await client.execute(uri: "/play/\(past.token(signedWith: key))/thumbnail.jpg", method: .get)
            #expect(earlier.status == .notFound, "\(earlier.status)")
            return grant.tiles[0].thumbnail
        }
        // Past the capability's expiry the same URL is refused.
        let later = fixture.services.now().addingTimeInterval(601)
        fixture.services.now = { later }
        try await fixture.application.test(.router) { client in
            let answer = try await client.execute(uri: thumbnail, method: .get)
            #expect(answer.status == .forbidden && answer.text.contains("expired"), "\(answer.text)")
        }
    }
}
