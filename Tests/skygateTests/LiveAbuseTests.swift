import Archive
import Foundation
import MediaIO
import TestSupport
import Testing

/// `skygate serve` under the loads an attacker or a crowd of viewers can put on its HTTP port: recording must not
/// notice. Issue 13.
@Suite("Live abuse", .serialized)
struct LiveAbuseTests {
    /// The longest `/healthz` answer, in seconds, while `busy` runs, polled every 250 ms (a failure counts as 10 s).
    ///
    /// The time is curl's own `time_total` (connect to last byte), not the time to run curl: on the CI machine, loaded
    /// by the suites running beside this one, starting the curl process alone took up to a few hundred milliseconds,
    /// and one check of 38 came to 1.017 s that way.
    static func slowestHealthCheck(_ base: String, while busy: () -> Bool) throws -> (slowest: Double, checks: Int) {
        var slowest = 0.0
        var checks = 0
        repeat {
            let result = try ProcessRunner.run(
                "curl", ["-sf", "--max-time", "10", base + "/healthz", "-o", "/dev/null", "-w", "%{time_total}"])
            let answered = result.status == 0 ? Double(result.standardOutput.trimmingCharacters(in: .whitespaces)) : nil
            slowest = max(slowest, answered ?? 10)
            checks += 1
            Thread.sleep(forTimeInterval: 0.25)
        } while busy()
        return (slowest, checks)
    }

    /// The service's soft open-file limit, from /proc.
    static func softDescriptorLimit(_ processID: Int32) throws -> Int? {
        let limits = try String(contentsOfFile: "/proc/\(processID)/limits", encoding: .utf8)
        guard let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max open files") }) else { return nil }
        return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.flatMap { Int($0) }
    }

    /// Item 3: 1,100 half-sent requests held every descriptor of a service started with a soft limit of 1,024, new
    /// clients got nothing, and segment opens failed with "Too many open files". The acceptance's abuse suite: 2,000
    /// slow connections while 8 cameras record.
    @Test("2,000 half-sent requests neither starve 8 recording cameras of descriptors nor keep /healthz from answering")
    func halfSentRequests() throws {
        let cameras = (1...8).map { "cam\($0)" }
        let rig = try LiveServiceTests.Rig(cameras: cameras)
        defer { rig.cleanUp() }
        let gateway = try GatewayProcess(
            dataDirectory: rig.dataDirectory, arguments: ["--segment-seconds", "2", "--http-idle-timeout", "4"],
            descriptorLimit: (soft: 1024, hard: 8192))
        defer { _ = gateway.stop() }
        #expect(
            try LiveServiceTests.eventually(20) {
                try LiveServiceTests.status(gateway).cameras.filter { $0.state == .streaming }.count == cameras.count
            })
        #expect(try Self.softDescriptorLimit(gateway.processID) == 8192, "the soft limit was not raised to the hard one")
        let base = try #require(gateway.httpBase)
        let port = try #require(base.split(separator: ":").last.map(String.init))
        let before = Dictionary(
            uniqueKeysWithValues: try LiveServiceTests.status(gateway).cameras.map { ($0.camera, $0.keyframes) })

        let attack = try BackgroundProgram(
            MediaCorpus.packageRoot.appendingPathComponent("tools/slow-clients").path,
            ["127.0.0.1", port, "--count", "2000", "--hold", "12", "--mode", "head"], log: rig.dataDirectory + "/attack.log")
        Thread.sleep(forTimeInterval: 1)
        let health = try Self.slowestHealthCheck(base) { attack.status == nil }
        let report = try String(contentsOfFile: attack.logPath, encoding: .utf8)
        let outcome = try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any]
        #expect(health.slowest < 1, "/healthz took \(health.slowest) s during the attack (\(health.checks) checks)")
        #expect(outcome?["opened"] as? Int == 2000, "\(report)")
        #expect(outcome?["closed_by_server"] as? Int == 2000, "half-sent requests are not closed: \(report)")

        let after = try LiveServiceTests.status(gateway)
        #expect(after.cameras.allSatisfy { $0.state == .streaming }, "\(after.cameras.map(\.state))")
        for camera in after.cameras {
            #expect(camera.keyframes > before[camera.camera] ?? .max, "\(camera.camera) stopped recording during the attack")
        }
        let log = try String(contentsOfFile: gateway.logPath, encoding: .utf8)
        #expect(!log.contains("Too many open files"), "\(log.suffix(2000))")
    }

    /// The resident set of a process, in bytes, from /proc.
    static func residentBytes(_ processID: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(processID)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) } ?? 0) * 1024
    }

    /// A camera's keyframe rows indexed in `from…to`.
    static func indexed(_ rig: LiveServiceTests.Rig, _ camera: String, _ from: Date, _ to: Date) throws -> Int {
        try rig.index.keyframePage(camera: camera, from: from, to: to, limit: 100_000).keyframes.count
    }

    /// Item 4: with 1.5 M keyframe rows a viewer's month of `/stats` took 16–22 s and 1.3 GB, `/coverage` walked every
    /// keyframe, and camera workers wrote their keyframe rows on the one connection those reads held. The acceptance's
    /// crowd: 20 viewers asking for the widest ranges at once while 8 cameras record.
    @Test("20 viewers asking for the widest ranges over 1.5 M keyframe rows: answers within 2 s, RSS bounded, recording on")
    func viewerCrowd() throws {
        let cameras = (1...8).map { "cam\($0)" }
        let rig = try LiveServiceTests.Rig(cameras: cameras)
        defer { rig.cleanUp() }
        // 35 days of cam1's history at a keyframe every 2 s, with statistics, written as ingest's writer writes them.
        let end = Date().addingTimeInterval(-3600)
        let total = 1_512_000
        let stats = FrameStats(
            width: 1920, height: 1080, meanLuma: 110, lumaStdDev: 40, darkFraction: 0.01, brightFraction: 0.01, sharpness: 12,
            edgeDensity: 0.2, perceptualHash: 0x5A5A, meanU: 128, meanV: 128)
        for first in stride(from: 0, to: total, by: 50_000) {
            try rig.index.apply(
                (first..<min(total, first + 50_000)).map { number in
                    let at = end.addingTimeInterval(-2 * Double(total - number))
                    return .keyframe(
                        RecordedKeyframe(
                            camera: "cam1", wallClock: at, seconds: Double(number) * 2,
                            segment: rig.dataDirectory + "/segments/cam1/history-\(number / 30).ts", byteOffset: 0, size: 1,
                            stats: stats))
                })
        }
        let gateway = try GatewayProcess(dataDirectory: rig.dataDirectory, arguments: ["--segment-seconds", "2"])
        defer { _ = gateway.stop() }
        #expect(
            try LiveServiceTests.eventually(20) {
                try LiveServiceTests.status(gateway).cameras.filter { $0.state == .streaming }.count == cameras.count
            })
        let viewer = try gateway.command(["token", "create", "--name", "crowd", "--role", "viewer"])
        let operatorToken = try gateway.command(["token", "create", "--name", "crowd-operator", "--role", "operator"])
        let base = try #require(gateway.httpBase)

        // Each camera's keyframes in the 20 s before the crowd, then in the 30 s of it.
        Thread.sleep(forTimeInterval: 20)
        let residentBefore = try Self.residentBytes(gateway.processID)
        let crowdStart = Date()
        let crowd = try BackgroundProgram(
            MediaCorpus.packageRoot.appendingPathComponent("tools/viewer-crowd").path,
            [
                base, viewer.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines), "cam1", "--viewers", "20",
                "--seconds", "30", "--operator-token",
                operatorToken.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines),
            ], log: rig.dataDirectory + "/crowd.log")
        var residentPeak = residentBefore
        while crowd.status == nil {
            residentPeak = max(residentPeak, try Self.residentBytes(gateway.processID))
            Thread.sleep(forTimeInterval: 0.5)
        }
        let crowdEnd = Date()
        Thread.sleep(forTimeInterval: 1)  // the index writer's last batch

        let report = try String(contentsOfFile: crowd.logPath, encoding: .utf8)
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any], "\(report)")
        let slowest = try #require(outcome["slowest"] as? [String: Double], "\(report)")
        let requests = try #require(outcome["requests"] as? [String: Int])
        #expect(outcome["failures"] as? Int == 0, "\(report)")
        #expect(slowest.count == 6 && slowest.values.allSatisfy { $0 < 2 }, "an answer took 2 s or more: \(report)")
        #expect(requests.values.allSatisfy { $0 >= 20 }, "the crowd hardly asked anything: \(report)")
        let growth = residentPeak - residentBefore
        #expect(growth < 200 << 20, "RSS grew by \(growth >> 20) MB (from \(residentBefore >> 20) MB)")
        for camera in cameras {
            let before = Double(try Self.indexed(rig, camera, crowdStart.addingTimeInterval(-20), crowdStart)) / 20
            let during = Double(try Self.indexed(rig, camera, crowdStart, crowdEnd)) / crowdEnd.timeIntervalSince(crowdStart)
            #expect(during >= 0.95 * before, "\(camera): \(during) keyframes/s under the crowd, \(before) before")
        }
        print(
            "viewer crowd: \(report.trimmingCharacters(in: .whitespacesAndNewlines)); RSS \(residentBefore >> 20) → peak \(residentPeak >> 20) MB"
        )
    }

    /// `count` clip requests sent at once with curl; each answer's status and, for 200, the clip's duration (ffprobe).
    static func clipRush(
        _ base: String, token: String, camera: String, from: Date, duration: Int, count: Int, into directory: String
    )
        throws -> [(status: Int, seconds: Double?)]
    {
        let url = "\(base)/api/cameras/\(camera)/clip?from=\(TimeText.format(from))&duration=\(duration)"
        let script = """
            for i in $(seq \(count)); do
              curl -s -o "\(directory)/clip-$i.mp4" -w "$i %{http_code}\\n" -H "Authorization: Bearer $TOKEN" "$URL" &
            done
            wait
            """
        let result = try ProcessRunner.run("/usr/bin/env", ["TOKEN=\(token)", "URL=\(url)", "bash", "-c", script])
        return try result.standardOutput.split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            let status = Int(fields.last ?? "") ?? 0
            let path = "\(directory)/clip-\(fields.first ?? "").mp4"
            let probe = try ProcessRunner.run(
                "ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path])
            return (status, status == 200 ? Double(probe.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) : nil)
        }
    }

    /// Item 9: clip exports (each a stream copy of up to an hour, written to the recording filesystem) had no
    /// concurrency limit and no free-space check. The acceptance's rush: 20 exports at once, then again on a gateway
    /// whose reserve no clip can leave.
    @Test("20 clip exports at once: refused beyond the limit (429), complete clips for the rest, none when space is short")
    func clipRush() throws {
        let cameras = (1...4).map { "cam\($0)" }
        let rig = try LiveServiceTests.Rig(cameras: cameras)
        defer { rig.cleanUp() }
        var gateway = try GatewayProcess(dataDirectory: rig.dataDirectory, arguments: ["--segment-seconds", "2"])
        defer { _ = gateway.stop() }
        let token = try gateway.command(["token", "create", "--name", "rush", "--role", "operator"]).standardOutput
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            try LiveServiceTests.eventually(20) {
                try LiveServiceTests.status(gateway).cameras.filter { $0.state == .streaming }.count == cameras.count
            })
        Thread.sleep(forTimeInterval: 16)
        let downloads = rig.dataDirectory + "/downloads"
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        let keyframesBefore = try Self.indexed(rig, "cam2", .distantPast, .distantFuture)

        let from = Date().addingTimeInterval(-14)
        let answers = try Self.clipRush(
            try #require(gateway.httpBase), token: token, camera: "cam1", from: from, duration: 10, count: 20, into: downloads)
        let statuses = answers.map(\.status)
        #expect(answers.count == 20 && statuses.allSatisfy { $0 == 200 || $0 == 429 }, "\(statuses)")
        #expect(statuses.contains(200) && statuses.contains(429), "\(statuses)")
        for answer in answers where answer.status == 200 {
            #expect(abs((answer.seconds ?? 0) - 10) < 2.5, "a clip of \(answer.seconds ?? 0) s, asked for 10 s")
        }
        Thread.sleep(forTimeInterval: 1)
        let scratch = (try? FileManager.default.contentsOfDirectory(atPath: rig.dataDirectory + "/tmp")) ?? []
        #expect(scratch.isEmpty, "clips left in the scratch directory: \(scratch)")
        #expect(try Self.indexed(rig, "cam2", .distantPast, .distantFuture) > keyframesBefore, "recording stopped")
        print("clip rush: \(statuses.filter { $0 == 200 }.count) × 200, \(statuses.filter { $0 == 429 }.count) × 429")

        // A reserve larger than any disk: every clip refused before a byte is written.
        _ = gateway.stop()
        gateway = try GatewayProcess(
            dataDirectory: rig.dataDirectory, arguments: ["--segment-seconds", "2", "--clip-reserve", "1000000"])
        let refused = try Self.clipRush(
            try #require(gateway.httpBase), token: token, camera: "cam1", from: from, duration: 10, count: 20, into: downloads)
        #expect(refused.map(\.status).allSatisfy { $0 == 507 || $0 == 429 }, "\(refused.map(\.status))")
        #expect(refused.map(\.status).contains(507))
        let left = (try? FileManager.default.contentsOfDirectory(atPath: rig.dataDirectory + "/tmp")) ?? []
        #expect(left.isEmpty, "refused clips left \(left)")
    }
}
