import Access
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MediaIO
import TestSupport
import Testing

/// Evidence packages over the API, judged by Python's `zipfile` and `hashlib` and by FFmpeg.
@Suite("Evidence packages")
struct EvidenceTests {
    @Test("the zip's manifest hashes match its files, its clip decodes, and the audit trail names the exporter")
    func package() async throws {
        let fixture = try GatewayFixture()
        let camera = GatewayFixture.camera
        let scratch = fixture.directory + "/evidence-check"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        // Half a second around keyframes 1 and 4 (times in a URL are milliseconds): keyframes 1 to 4 are in the range.
        let (from, to) = (fixture.keyframeTimes[1] - 0.5, fixture.keyframeTimes[4] + 0.5)
        let query = "cameras=\(camera),33019900001320000002&from=\(TimeText.format(from))&to=\(TimeText.format(to))&reason=case-7"
        try await fixture.application.test(.router) { client in
            let viewer = try await client.execute(
                uri: "/api/evidence?\(query)", method: .post, headers: fixture.headers(.viewer))
            #expect(viewer.status == .forbidden)
            let noRange = try await client.execute(
                uri: "/api/evidence?cameras=\(camera)", method: .post, headers: fixture.headers(.operator))
            #expect(noRange.status == .badRequest, "\(noRange.text)")

            let answer = try await client.execute(
                uri: "/api/evidence?\(query)", method: .post, headers: fixture.headers(.operator))
            #expect(answer.status == .ok && answer.headers[.contentType] == "application/zip", "\(answer.text.prefix(300))")
            let zip = scratch + "/case.zip"
            try Data(answer.body.readableBytesView).write(to: URL(fileURLWithPath: zip))
            let listed = try ProcessRunner.check(EvidenceCheck.python, ["-c", EvidenceCheck.script, zip, scratch + "/files"])
                .split(separator: "\n").map(String.init)
            #expect(listed.first?.hasPrefix("token:test-operator") == true, "\(listed)")
            // The second camera has no recording: a keyframe list (empty) and no clip, named in the manifest.
            #expect(
                Array(listed.dropFirst()) == [
                    "33019900001320000001/clip.mp4", "33019900001320000001/keyframes.csv",
                    "33019900001320000002/keyframes.csv", "events.json",
                ], "\(listed)")
            let clip = scratch + "/files/\(camera)/clip.mp4"
            let decoded = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-i", clip, "-f", "null", "-"])
            #expect(decoded.status == 0 && decoded.standardError.isEmpty, "\(decoded.standardError)")
            let duration = try ProcessRunner.check(
                "ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", clip])
            // From keyframe 1 (at or before 'from') to at least 'to', at most a GOP (2 s) past it.
            let seconds = Double(duration.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            let asked = to.timeIntervalSince(fixture.keyframeTimes[1])
            #expect(seconds >= asked - 0.1 && seconds <= asked + 2.1, "\(seconds) s for \(asked) s")
            let keyframes = try String(contentsOfFile: scratch + "/files/\(camera)/keyframes.csv", encoding: .utf8)
            #expect(keyframes.split(separator: "\n").count == 1 + 4, "\(keyframes)")
            let manifest = try String(contentsOfFile: scratch + "/files/manifest.json", encoding: .utf8)
            #expect(manifest.contains("case-7") && manifest.contains("33019900001320000002"))

            let audit = try await client.execute(
                uri: "/api/audit?action=evidence.export", method: .get, headers: fixture.headers(.admin))
            let rows = try JSONSerialization.jsonObject(with: Data(audit.text.utf8)) as? [[String: Any]]
            #expect(rows?.count == 1, "\(audit.text)")
            #expect((rows?.first?["actor"] as? String)?.hasPrefix("token:test-operator") == true, "\(audit.text)")
        }
    }
}
