import Foundation
import TestSupport
import Testing

/// `skygate serve` under the loads an attacker or a crowd of viewers can put on its HTTP port: recording must not
/// notice. Issue 13.
@Suite("Live abuse", .serialized)
struct LiveAbuseTests {
    /// The longest `/healthz` answer, in seconds, while `busy` runs, polled every 250 ms (a failure counts as 10 s).
    static func slowestHealthCheck(_ base: String, while busy: () -> Bool) throws -> (slowest: Double, checks: Int) {
        var slowest = 0.0
        var checks = 0
        repeat {
            let start = Date()
            let result = try ProcessRunner.run("curl", ["-sf", "--max-time", "10", base + "/healthz", "-o", "/dev/null"])
            slowest = max(slowest, result.status == 0 ? Date().timeIntervalSince(start) : 10)
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
}
