import CameraRegistry
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import GB28181

/// Device access against SIPp playing the devices (tools/gb-device/register.xml), with tshark as the judge of what
/// went over the wire.
@Suite("GB/T 28181 device access, live over loopback", .serialized)
struct LiveRegistrationTests {
    static let serverID = "34020000002000000001"
    static let domain = "3402000000"
    static let devices = ["34020000001320000001": "Right-pass-1", "34020000001320000002": "Right-pass-2"]

    /// A SIP server over a scratch registry, run in a service group as `skygate serve` runs it.
    final class Server: @unchecked Sendable {
        let service: GBService
        let group: ServiceGroup
        let task: Task<Void, any Error>
        let port: Int

        init(
            registry: Registry, keepalive: KeepalivePolicy, catalogSubscription: Int = 3_600,
            onAlarm: @escaping @Sendable (GBAlarm) throws -> Void = { _ in }
        ) async throws {
            var configuration = try GBConfiguration(
                serverID: try DeviceID(LiveRegistrationTests.serverID), host: "127.0.0.1", port: 0)
            configuration.keepalive = keepalive
            configuration.catalogSubscription = catalogSubscription
            let listening = AsyncStream<Int>.makeStream()
            service = try GBService(
                configuration: configuration, registry: registry, logger: Logger(label: "test.gb"), onAlarm: onAlarm,
                onListening: { listening.continuation.yield($0) })
            group = ServiceGroup(services: [service], logger: Logger(label: "test.gb"))
            task = Task { [group] in try await group.run() }
            var iterator = listening.stream.makeAsyncIterator()
            port = try #require(await iterator.next())
        }

        func stop() async throws {
            await group.triggerGracefulShutdown()
            try await task.value
        }

        func online(_ device: String) -> Bool { service.registrations[device]?.online == true }
    }

    /// Runs SIPp with `register.xml`, one call per device (`rate` a second); returns its log lines ("registered …",
    /// "refused …").
    static func sipp(
        port: Int, devices: [(id: String, password: String)], keepalives: Int, unregister: Bool = true,
        every milliseconds: Int = 200, rate: Int = 10, outOfCall: String? = nil,
        environment: [String: String]? = nil, scratch: String
    ) throws -> String {
        let injection = scratch + "/devices-\(UUID().uuidString).csv"
        var bytes = Array("SEQUENTIAL\n".utf8)
        for device in devices {
            let authentication = "[authentication username=\(device.id) password=\(device.password)]"
            let fields = [device.id, device.password, serverID, domain, "\(keepalives)", authentication, unregister ? "1" : "0"]
            bytes += Array(fields.joined(separator: ";").utf8)
            bytes += [UInt8(ascii: "\n")]
        }
        try Data(bytes).write(to: URL(fileURLWithPath: injection))
        let log = scratch + "/sipp-\(UUID().uuidString).log"
        let scenarios = MediaCorpus.packageRoot.path + "/tools/gb-device/"
        let result = try ProcessRunner.run(
            "sipp",
            [
                "127.0.0.1:\(port)", "-sf", scenarios + "register.xml", "-inf", injection,
                "-i", "127.0.0.1", "-p", "\(FreePort.udp())", "-m", "\(devices.count)", "-r", "\(rate)", "-l", "\(devices.count)",
                "-d", "\(milliseconds)", "-timeout", "120s", "-timeout_error", "-trace_logs", "-log_file", log, "-nostdin",
            ] + (outOfCall.map { ["-oocsf", $0.hasPrefix("/") ? $0 : scenarios + $0] } ?? []), environment: environment)
        let logged = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(result.status == 0, "sipp: \(result.standardOutput.suffix(1500)) \(result.standardError.suffix(500)) \(logged)")
        return logged
    }

    static func sipp(
        port: Int, device: String, password: String, keepalives: Int, unregister: Bool = true, scratch: String
    ) throws -> String {
        try sipp(port: port, devices: [(device, password)], keepalives: keepalives, unregister: unregister, scratch: scratch)
    }

    static func registry(_ directory: String) throws -> Registry {
        let registry = try Registry(dataDirectory: directory) { _ in }
        for (device, password) in devices {
            try registry.saveGBDevice(GBDevice(id: try DeviceID(device), name: "gate \(device.suffix(1))"), password: password)
        }
        return registry
    }

    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }

    /// The moment `condition` first holds, watched every 20 ms from a thread of its own: on a loaded CI the cooperative
    /// threads can be held for seconds by other suites' blocking tests, which made `waitUntil` see a change late. Nil
    /// if it does not hold within `seconds`.
    static func moment(within seconds: Double, _ condition: @escaping @Sendable () -> Bool) async -> Date? {
        await withCheckedContinuation { continuation in
            Thread {
                let deadline = Date().addingTimeInterval(seconds)
                while Date() < deadline {
                    if condition() { return continuation.resume(returning: Date()) }
                    Thread.sleep(forTimeInterval: 0.02)
                }
                continuation.resume(returning: condition() ? Date() : nil)
            }.start()
        }
    }

    @Test("wrong password → 403; right → 401 (qop=auth) then 200 with Date; keepalives; Expires: 0 and silence make it offline")
    func registerKeepaliveUnregister() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let registry = try Self.registry(scratch)
        let server = try await Server(registry: registry, keepalive: KeepalivePolicy(interval: 1, count: 3))
        let capture = scratch + "/sip.pcap"
        let tshark = try BackgroundProgram(
            "/usr/bin/tshark", ["-i", "lo", "-f", "udp port \(server.port)", "-w", capture], log: scratch + "/tshark.log")
        #expect(tshark.waitForLog(20) { $0.contains("Capturing on") }, "\(tshark.log)")

        let (first, second) = ("34020000001320000001", "34020000001320000002")
        let refused = try Self.sipp(port: server.port, device: first, password: "Wrong-pass-1", keepalives: 0, scratch: scratch)
        #expect(refused.contains("refused \(first)"), "\(refused)")
        #expect(!server.online(first))

        // Three keepalives 200 ms apart, then Expires: 0: offline at once.
        let registered = try Self.sipp(
            port: server.port, device: first, password: "Right-pass-1", keepalives: 3, scratch: scratch)
        #expect(registered.contains("registered \(first) date="), "\(registered)")
        #expect(!server.online(first), "unregistered with Expires: 0")
        let afterKeepalives = try #require(try registry.gbDevice(id: first)?.registration)
        #expect(afterKeepalives.lastKeepalive != nil && afterKeepalives.version == "3.0")

        // Registered and then silent: offline once interval × count (3 s) has passed, within a second or two of it,
        // counted from the registration the server recorded (SIPp's own start once took seconds on a loaded CI).
        _ = try Self.sipp(port: server.port, device: second, password: "Right-pass-2", keepalives: -1, scratch: scratch)
        #expect(server.online(second))
        let silentSince = try #require(server.service.registrations[second]?.registeredAt)
        let offline = try #require(await Self.moment(within: 10) { !server.online(second) }, "never offline")
        let silence = offline.timeIntervalSince(silentSince)
        #expect(silence >= 2.5 && silence <= 5, "offline after \(silence) s")
        try await server.stop()
        #expect(try registry.gbDevice(id: second)?.registration?.online == false, "persisted offline")

        // tshark's reading of the ladder.
        #expect(tshark.stop(signal: SIGINT, timeout: 10) != nil)
        let fields = try ProcessRunner.run(
            "tshark",
            [
                "-r", capture, "-Y", "sip.Status-Code", "-T", "fields", "-e", "sip.Status-Code", "-e", "sip.auth.qop", "-e",
                "sip.Date",
            ])
        let rows = fields.standardOutput.split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false)
        }
        let codes = rows.compactMap { $0.first.map(String.init) }
        #expect(Array(codes.prefix(2)) == ["401", "403"], "\(codes)")
        #expect(
            rows.filter { $0.first == "401" }.allSatisfy { $0.count > 1 && $0[1].trimmingCharacters(in: ["\""]) == "auth" },
            "\(fields.standardOutput)")
        let registeredOK = rows.filter { $0.first == "200" && $0.count > 2 && !$0[2].isEmpty }
        #expect(registeredOK.count >= 2, "200s with Date: \(fields.standardOutput)")
    }

    @Test("a restart of the SIP server keeps a registered device online")
    func restartKeepsOnline() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let registry = try Self.registry(scratch)
        let device = "34020000001320000001"
        let first = try await Server(registry: registry, keepalive: KeepalivePolicy())
        _ = try Self.sipp(port: first.port, device: device, password: "Right-pass-1", keepalives: -1, scratch: scratch)
        #expect(first.online(device))
        try await first.stop()
        // A new process would open the registry afresh; the registrations come from there.
        let reopened = try Registry(dataDirectory: scratch) { _ in }
        let second = try await Server(registry: reopened, keepalive: KeepalivePolicy())
        #expect(second.online(device))
        #expect(!second.online("34020000001320000002"))
        try await second.stop()
    }

    @Test("200 devices registering and keeping alive at once, beside 1,000 malformed or unauthenticated datagrams")
    func flood() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let registry = try Registry(dataDirectory: scratch) { _ in }
        let devices = (1...200).map { (id: String(format: "340200000013200%05d", $0), password: "Pass-\($0)-word") }
        for device in devices {
            try registry.saveGBDevice(GBDevice(id: try DeviceID(device.id)), password: device.password)
        }
        let server = try await Server(registry: registry, keepalive: KeepalivePolicy())
        let rssBefore = Self.residentMegabytes()
        // The flood comes from another loopback address, as an attacker elsewhere would; devices share 127.0.0.1.
        let flood = Task.detached {
            try ProcessRunner.run(
                "python3",
                [
                    MediaCorpus.packageRoot.path + "/tools/gb-device/flood.py", "127.0.0.1", "\(server.port)", "--from",
                    "127.0.0.2", "--malformed", "500", "--unauthenticated", "500",
                ])
        }
        // Each device: register, 4 keepalives a second apart, and stay registered.
        let log = try Self.sipp(
            port: server.port, devices: devices, keepalives: 4, unregister: false, every: 1000, rate: 10, scratch: scratch)
        let flooded = try await flood.value
        #expect(flooded.status == 0, "\(flooded.standardError)")
        let registered = log.split(separator: "\n").filter { $0.hasPrefix("registered ") }.count
        #expect(registered == 200, "\(registered) of 200 registered")
        let online = devices.filter { server.online($0.id) }.count
        #expect(online == 200, "\(online) of 200 online")
        let growth = Self.residentMegabytes() - rssBefore
        print(
            "gb flood: \(flooded.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)), \(online) online, RSS +\(growth) MB"
        )
        #expect(growth < 64, "RSS grew \(growth) MB")
        try await server.stop()
    }

    static func residentMegabytes() -> Int {
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    @Test("a catalog in two parts lands in the registry: exact names (one GB 18030 only), coordinates, grid links, tree")
    func catalogInTwoParts() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let registry = try Self.registry(scratch)
        _ = try registry.importDirectory(MediaCorpus.packageRoot.path + "/camera-registry/demo")
        let server = try await Server(registry: registry, keepalive: KeepalivePolicy())
        let device = "34020000001320000001"
        let first = "北门 1 号"
        let second = "䶮𠀀镕 东门"
        let secondBytes = try #require(GB18030.encode(second))
        // Python's codec agrees on the bytes, and GB2312 cannot encode the name.
        let python = try ProcessRunner.run(
            "python3", ["-c", "import sys; n = sys.argv[1]; print(n.encode('gb18030').hex()); n.encode('gb2312')", second])
        #expect(python.standardOutput.hasPrefix(secondBytes.map { String(format: "%02x", $0) }.joined()))
        #expect(python.status != 0, "GB2312 encoded \(second)")
        // SIPp's out-of-call scenario cannot read injection fields: the template gets the values, as bytes.
        var answer = try Array(
            Data(contentsOf: MediaCorpus.packageRoot.appendingPathComponent("tools/gb-device/catalog-answer.xml")))
        for (placeholder, value) in [
            ("{{DEVICE}}", Array(device.utf8)), ("{{SERVER}}", Array(Self.serverID.utf8)),
            ("{{DOMAIN}}", Array(Self.domain.utf8)),
            ("{{NAME1}}", Array(first.utf8)), ("{{NAME2}}", secondBytes), ("{{LONGITUDE}}", Array("120.118".utf8)),
            ("{{LATITUDE}}", Array("30.2531".utf8)),
        ] {
            answer.replace(Array(placeholder.utf8), with: value)
        }
        let rendered = scratch + "/catalog-answer.xml"
        try Data(answer).write(to: URL(fileURLWithPath: rendered))
        let log = try Self.sipp(
            port: server.port, devices: [(device, "Right-pass-1")], keepalives: 3, unregister: false, every: 1000,
            outOfCall: rendered, scratch: scratch)
        #expect(log.contains("catalog sent sn="), "\(log)")
        let arrived = try await Self.waitUntil(10) { ((try? registry.gbCatalog(device: device)) ?? []).count == 3 }
        #expect(arrived, "\((try? registry.gbCatalog(device: device)) ?? [])")
        let one = try #require(try registry.camera(id: "34020000001310000001"))
        let two = try #require(try registry.camera(id: "34020000001310000002"))
        #expect(one.camera.name == first && two.camera.name == second, "\(one.camera.name) / \(two.camera.name)")
        #expect(one.camera.vendor == "SIPp" && two.camera.model == "IPC-2")
        #expect(one.camera.location?.longitude == 120.118 && one.camera.location?.latitude == 30.2531)
        #expect(!one.gridPath.isEmpty, "linked to its grid")
        #expect(one.camera.mode == .off, "new channels do not record until an operator chooses")
        #expect(one.camera.mainStream.url == "gb28181://\(device)/34020000001310000001")
        let catalog = try registry.gbCatalog(device: device)
        #expect(catalog.first { $0.id == "34020000001310000001" }?.info["PositionType"] == "1")
        #expect(catalog.first { $0.id == "34020000001310000002" }?.parentID == "34020000002150000001")
        #expect(try registry.camera(id: "34020000002150000001") == nil, "a business group is a tree node, not a camera")
        try await server.stop()
    }

    /// Runs one scenario of tools/gb-device with a one-line injection file.
    static func scenario(_ name: String, port: Int, fields: [String], outOfCall: String? = nil, scratch: String) throws -> String
    {
        let injection = scratch + "/\(UUID().uuidString).csv"
        try "SEQUENTIAL\n\(fields.joined(separator: ";"))\n".write(toFile: injection, atomically: true, encoding: .utf8)
        let log = scratch + "/\(UUID().uuidString).log"
        let scenarios = MediaCorpus.packageRoot.path + "/tools/gb-device/"
        let result = try ProcessRunner.run(
            "sipp",
            [
                "127.0.0.1:\(port)", "-sf", scenarios + name, "-inf", injection, "-i", "127.0.0.1", "-p", "\(FreePort.udp())",
                "-m", "1", "-timeout", "30s", "-timeout_error", "-trace_logs", "-log_file", log, "-nostdin",
            ] + (outOfCall.map { ["-oocsf", scenarios + $0] } ?? []))
        let logged = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(result.status == 0, "sipp \(name): \(result.standardOutput.suffix(1200)) \(logged)")
        return logged
    }

    @Test("an alarm is handed on with its priority, method, type, description and time, then acknowledged to the device")
    func alarms() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let registry = try Self.registry(scratch)
        let received = Mutex<[GBAlarm]>([])
        let server = try await Server(registry: registry, keepalive: KeepalivePolicy()) { alarm in
            received.withLock { $0.append(alarm) }
        }
        let device = "34020000001320000001"
        // From a device that has not registered, an alarm is refused and handed on to nobody.
        let stranger = try Self.scenario(
            "keepalive.xml", port: server.port, fields: ["34020000001320000002", Self.serverID, Self.domain], scratch: scratch)
        #expect(stranger.contains("refused"))
        _ = try Self.sipp(
            port: server.port, device: device, password: "Right-pass-1", keepalives: -1, unregister: false, scratch: scratch)
        let log = try Self.scenario(
            "alarm.xml", port: server.port, fields: [device, Self.serverID, Self.domain, "34020000001310000001"],
            outOfCall: "alarm-ack.xml", scratch: scratch)
        #expect(log.contains("alarm answered \(device)") && log.contains("alarm acknowledged sn=77"), "\(log)")
        let alarm = try #require(received.withLock { $0.first })
        #expect(alarm.device == device && alarm.source == "34020000001310000001")
        #expect(alarm.priority == 1 && alarm.method == 5 && alarm.type == 4 && alarm.name == "video/4")
        #expect(alarm.description == "Video tamper" && alarm.serialNumber == 77)
        let expected = DateComponents(
            calendar: Calendar(identifier: .gregorian), timeZone: .current, year: 2026, month: 12, day: 1, hour: 9, minute: 58,
            second: 33
        ).date
        #expect(alarm.time == expected)
        try await server.stop()
    }

    @Test("catalog notifications: ADD adds a camera, DEL removes it; a stranger's notification changes nothing")
    func catalogNotifications() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let registry = try Self.registry(scratch)
        let server = try await Server(registry: registry, keepalive: KeepalivePolicy())
        let (device, channel) = ("34020000001320000001", "34020000001310000009")
        func notify(_ event: String, from sender: String = device) throws -> String {
            try Self.scenario(
                "catalog-notify.xml", port: server.port,
                fields: [sender, Self.serverID, Self.domain, channel, event, "South gate"], scratch: scratch)
        }
        #expect(try notify("ADD", from: "34020000001320000002").contains("refused"), "an unregistered device is refused")
        #expect(try registry.camera(id: channel) == nil)
        _ = try Self.sipp(
            port: server.port, device: device, password: "Right-pass-1", keepalives: -1, unregister: false, scratch: scratch)
        #expect(try notify("ADD").contains("notified ADD \(channel)"))
        #expect(try await Self.waitUntil(5) { (try? registry.camera(id: channel))??.camera.name == "South gate" })
        #expect(try notify("DEL").contains("notified DEL \(channel)"))
        #expect(try await Self.waitUntil(5) { (try? registry.camera(id: channel)) == .some(nil) })
        #expect(try registry.gbCatalog(device: device).isEmpty)
        try await server.stop()
    }

    @Test(
        "DeviceInfo, and the clock of DeviceStatus (90 s ahead), land with the device; the catalog subscription is taken and refreshed within its dialog"
    )
    func deviceInfoAndSubscription() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let registry = try Self.registry(scratch)
        // A 4 s subscription is refreshed after 3 s: within the 10 s the device's scenario waits for it.
        let server = try await Server(registry: registry, keepalive: KeepalivePolicy(), catalogSubscription: 4)
        let device = "34020000001320000001"
        var answer = try String(
            contentsOfFile: MediaCorpus.packageRoot.path + "/tools/gb-device/live-answer.xml", encoding: .utf8)
        for (placeholder, value) in [
            ("{{DEVICE}}", device), ("{{CHANNEL}}", "34020000001310000007"), ("{{SERVER}}", Self.serverID),
            ("{{DOMAIN}}", Self.domain), ("{{SENDER}}", "true"), ("{{SENDER_LOG}}", scratch + "/sender.log"),
            ("{{LONGITUDE}}", "120.118"), ("{{LATITUDE}}", "30.2531"), ("{{NAME}}", "Live gate"),
        ] {
            answer = answer.replacingOccurrences(of: placeholder, with: value)
        }
        try answer.write(toFile: scratch + "/live-answer.xml", atomically: true, encoding: .utf8)
        #expect(!server.service.refresh(device: device), "a device that has not registered cannot be asked")
        // The device's clock (SIPp's, whose DeviceTime is its local time) runs 90 s ahead of this machine's.
        let clockAhead = try FakeClock.environment(aheadBy: 90)
        let registered = Task {
            try Self.sipp(
                port: server.port, devices: [(device, "Right-pass-1")], keepalives: 10, unregister: false, every: 1000,
                outOfCall: scratch + "/live-answer.xml", environment: clockAhead, scratch: scratch)
        }
        #expect(
            try await Self.waitUntil(10) { (try? registry.gbDevice(id: device))??.info?.firmware == "V3.6.1" },
            "no device information")
        let info = try #require(try registry.gbDevice(id: device)?.info)
        #expect(info.name == "SIPp IPC 34020000001310000007" && info.manufacturer == "SIPp" && info.model == "IPC-1")
        #expect(info.channels == 1)
        #expect(try await Self.waitUntil(10) { (try? registry.gbDevice(id: device))??.clock != nil }, "no device clock")
        // libfaketime's setting is the oracle. DeviceTime has whole seconds, read as the middle of its second: within
        // half a second, plus the answer's way over loopback.
        let clock = try #require(try registry.gbDevice(id: device)?.clock)
        print("device clock: \(clock.offset) s ahead")
        #expect(abs(clock.offset - 90) <= 0.7, "\(clock)")
        #expect(server.service.refresh(device: device), "an online device can be asked again")
        // The device's own log says what it was asked: SIPp ends after its ten keepalives, ten seconds on.
        let log = try await registered.value
        let subscribed = log.split(separator: "\n").filter { $0.contains("subscribed event=") }
        #expect(subscribed.count == 1, "\(log)")
        #expect(
            subscribed.first?.contains("Catalog;id=") == true && subscribed.first?.contains("expires=4 ") == true,
            "\(subscribed)")
        let callID = subscribed.first?.split(separator: "call=").last.map(String.init) ?? "?"
        #expect(log.contains("refreshed call=\(callID) cseq=2 SUBSCRIBE"), "no refresh within the dialog: \(log)")
        #expect(log.components(separatedBy: "query Catalog").count - 1 >= 2, "the refresh asked again: \(log)")
        #expect(log.components(separatedBy: "query DeviceInfo").count - 1 >= 2)
        #expect(log.components(separatedBy: "query DeviceStatus").count - 1 >= 2)
        #expect(try registry.camera(id: "34020000001310000007")?.camera.location?.latitude == 30.2531)
        try await server.stop()
    }
}
