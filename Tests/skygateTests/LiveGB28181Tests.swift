import Foundation
import TestSupport
import Testing

/// `skygate serve --sip` and `skygate gb` as a user runs them, with SIPp as the device, over UDP and TCP.
@Suite("GB/T 28181 through skygate serve, live over loopback", .serialized)
struct LiveGB28181Tests {
    static let serverID = "34020000002000000001"
    static let device = "34020000001320000007"

    /// Runs one SIPp scenario from tools/gb-device for `Self.device`; returns its log.
    static func sipp(_ scenario: String, port: Int, transport: String, fields: String, scratch: String) throws -> String {
        let injection = scratch + "/\(UUID().uuidString).csv"
        try "SEQUENTIAL\n\(fields)\n".write(toFile: injection, atomically: true, encoding: .utf8)
        let log = scratch + "/\(UUID().uuidString).log"
        let result = try ProcessRunner.run(
            "sipp",
            [
                "127.0.0.1:\(port)", "-sf", MediaCorpus.packageRoot.path + "/tools/gb-device/\(scenario)", "-inf", injection,
                "-t", transport, "-i", "127.0.0.1", "-p", "\(FreePort.udp())", "-m", "1", "-timeout", "30s", "-timeout_error",
                "-trace_logs", "-log_file", log, "-nostdin",
            ])
        let logged = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(result.status == 0, "sipp \(scenario): \(result.standardOutput.suffix(1200)) \(result.standardError.suffix(400))")
        return logged
    }

    static func serve(_ data: String, port: Int, log: String) throws -> BackgroundProgram {
        try BackgroundProgram(
            SkygateBinary.path,
            ["serve", "--data-dir", data, "--http", "off", "--sip", "127.0.0.1:\(port)", "--sip-id", serverID], log: log)
    }

    @Test(
        "over UDP and TCP: register, `gb devices` shows it online, and a restart of serve keeps it online",
        arguments: ["u1", "t1"])
    func registerAndRestart(transport: String) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gbserve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let data = scratch + "/data"
        // No password given: one is generated and printed once, and only then.
        let added = try SkygateBinary.run(["gb", "add", Self.device, "--name", "north gate", "--data-dir", data])
        #expect(added.status == 0, "\(added.standardError)")
        let password = added.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(password.count == 20)
        let port = FreePort.udp()
        var serve = try Self.serve(data, port: port, log: scratch + "/serve-1.log")
        #expect(serve.waitForLog(60) { $0.contains("SIP server listening") }, "\(serve.log.suffix(2000))")

        // Before registering, a keepalive proves nothing and is refused.
        let early = try Self.sipp(
            "keepalive.xml", port: port, transport: transport, fields: "\(Self.device);\(Self.serverID);3402000000",
            scratch: scratch)
        #expect(early.contains("refused \(Self.device)"), "\(early)")
        let registered = try Self.sipp(
            "register.xml", port: port, transport: transport,
            fields:
                "\(Self.device);\(password);\(Self.serverID);3402000000;1;[authentication username=\(Self.device) password=\(password)];0",
            scratch: scratch)
        #expect(registered.contains("registered \(Self.device)"), "\(registered)")
        let listed = try SkygateBinary.run(["gb", "devices", "--json", "--data-dir", data])
        #expect(
            listed.standardOutput.contains(#""online" : true"#) || listed.standardOutput.contains(#""online":true"#),
            "\(listed.standardOutput)")
        #expect(!listed.standardOutput.contains(password) && !serve.log.contains(password))
        let status = try SkygateBinary.run(["status", "--data-dir", data])
        #expect(status.standardOutput.contains("GB/T 28181 devices: 1 of 1 online"), "\(status.standardOutput)")

        #expect(serve.stop(signal: SIGTERM, timeout: 30) == 0, "\(serve.log.suffix(2000))")
        serve = try Self.serve(data, port: port, log: scratch + "/serve-2.log")
        #expect(serve.waitForLog(60) { $0.contains("SIP server listening") }, "\(serve.log.suffix(2000))")
        #expect(serve.log.contains("online=1"), "\(serve.log.suffix(2000))")
        // The restarted server holds it as registered: its keepalive is answered 200, with no new REGISTER.
        let after = try Self.sipp(
            "keepalive.xml", port: port, transport: transport, fields: "\(Self.device);\(Self.serverID);3402000000",
            scratch: scratch)
        #expect(after.contains("alive \(Self.device)"), "\(after)")
        #expect(serve.stop(signal: SIGTERM, timeout: 30) == 0)
    }

    @Test("serve --sip without an ID, or with a bad one, is refused with the reason")
    func configurationIsChecked() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gbserve-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let missing = try SkygateBinary.run(["serve", "--data-dir", scratch, "--http", "off", "--sip", "127.0.0.1:0"])
        #expect(missing.status == 64 && missing.standardError.contains("--sip-id"), "\(missing.status) \(missing.standardError)")
        let bad = try SkygateBinary.run([
            "serve", "--data-dir", scratch, "--http", "off", "--sip", "127.0.0.1:0", "--sip-id", "12345",
        ])
        #expect(bad.status == 65 && bad.standardError.contains("20 digits"), "\(bad.status) \(bad.standardError)")
    }
}
