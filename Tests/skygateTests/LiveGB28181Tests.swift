import Archive
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

    /// One way a channel sends its video, and what the recording must show for it.
    struct LiveCase: Sendable, CustomTestStringConvertible {
        var transport: String
        var hevc = false
        /// Extra options for tools/gb-device/ps-rtp-sender.py.
        var sender: [String] = []
        /// Seconds the device's clock (SIPp's, libfaketime's) runs ahead of this machine's.
        var clockAhead: Int?
        /// Whether every frame sent must be recorded (no injected loss).
        var whole: Bool { !sender.contains("--loss") }
        var testDescription: String {
            "\(transport) \(hevc ? "H.265" : "H.264") \(sender.joined(separator: " "))"
                + (clockAhead.map { " clock +\($0) s" } ?? "")
        }
    }

    /// Issue 14, item 5: a camera registers, its catalog makes a recorded camera of its channel, Skygate invites it,
    /// and the channel's PS over RTP (tools/gb-device/ps-rtp-sender.py, started by SIPp on the ACK) is recorded and
    /// indexed like any camera's; disabling the camera ends the session with a BYE. tshark reads the SIP on the wire.
    @Test(
        "a channel is invited, recorded and indexed as ffprobe counts its frames, with loss only whole frames; BYE on disable",
        arguments: [
            LiveCase(transport: "tcp", clockAhead: 90), LiveCase(transport: "udp"), LiveCase(transport: "pinned udp"),
            LiveCase(transport: "tcp", hevc: true),
            LiveCase(transport: "udp", sender: ["--zero-length-pes"]),
            LiveCase(transport: "udp", sender: ["--loss", "0.001", "--seed", "9"]),
            LiveCase(transport: "udp", sender: ["--loss", "0.01", "--seed", "5"]),
        ])
    func liveVideo(_ live: LiveCase) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gblive-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let data = scratch + "/data"
        let channel = "34020000001310000011"
        // The device's media transport (UDP for the "udp" cases); "pinned udp": a TCP device whose channel is pinned.
        let added = try SkygateBinary.run(
            ["gb", "add", Self.device, "--name", "live gate", "--data-dir", data]
                + (live.transport == "udp" ? ["--transport", "udp"] : []))
        let password = added.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        if live.transport == "pinned udp" {
            // Registered ahead of its catalog, pinned to UDP, and enabled once the device is online.
            let channelAdded = try SkygateBinary.run([
                "camera", "add", channel, "--name", "live gate", "--url", "gb28181://\(Self.device)/\(channel)",
                "--rtsp-transport", "udp", "--mode", "off", "--data-dir", data,
            ])
            #expect(channelAdded.status == 0, "\(channelAdded.standardError)")
        }
        let port = FreePort.udp()
        let capture = scratch + "/sip.pcap"
        let tshark = try BackgroundProgram(
            "/usr/bin/tshark", ["-i", "lo", "-f", "udp port \(port)", "-w", capture], log: scratch + "/tshark.log")
        defer { _ = tshark.stop(signal: SIGKILL) }
        #expect(tshark.waitForLog(20) { $0.contains("Capturing on") }, "\(tshark.log)")
        let serve = try BackgroundProgram(
            SkygateBinary.path,
            [
                "serve", "--data-dir", data, "--http", "off", "--sip", "127.0.0.1:\(port)", "--sip-id", Self.serverID,
                "--sip-record-new-channels", "--segment-seconds", "2",
            ], log: scratch + "/serve.log")
        defer { _ = serve.stop() }
        #expect(serve.waitForLog(60) { $0.contains("SIP server listening") }, "\(serve.log.suffix(2000))")

        let sippLog = scratch + "/sipp.log"
        let senderLog = scratch + "/sender.log"
        let device = try Self.liveDevice(live, channel: channel, password: password, port: port, scratch: scratch)
        defer { _ = device.stop(signal: SIGKILL) }
        let sipp = { (try? String(contentsOfFile: sippLog, encoding: .utf8)) ?? "" }
        if live.transport == "pinned udp" {
            #expect(LiveServiceTests.eventually(30) { sipp().contains("registered") }, "\(sipp().suffix(1500))")
            #expect(try SkygateBinary.run(["camera", "enable", channel, "--data-dir", data]).status == 0)
        }
        let proto = live.transport == "tcp" ? "proto=TCP/RTP/AVP" : "proto=RTP/AVP"
        #expect(
            LiveServiceTests.eventually(60) { sipp().contains("acknowledged ssrc=") && sipp().contains(proto) },
            "never invited: \(sipp().suffix(1500)) \(serve.log.suffix(1500))")
        // The sender reports once the clip is sent (4 s at 25 fps).
        let sent = { (try? String(contentsOfFile: senderLog, encoding: .utf8)) ?? "" }
        #expect(LiveServiceTests.eventually(30) { sent().contains("frames") }, "\(sent()) \(serve.log.suffix(1500))")
        Thread.sleep(forTimeInterval: 2)
        if live.transport == "tcp" && !live.hevc {
            // The device and its channel as an operator lists them.
            let channels = try SkygateBinary.run(["gb", "channels", Self.device, "--data-dir", data])
            #expect(channels.standardOutput.contains(channel) && channels.standardOutput.contains("tcp"), "\(channels)")
            let shown = try SkygateBinary.run(["gb", "device", Self.device, "--data-dir", data])
            #expect(
                shown.standardOutput.contains("online") && shown.standardOutput.contains("1 (1 record)"),
                "\(shown.standardOutput)")
        }
        if let ahead = live.clockAhead {
            try Self.checkClock(ahead: Double(ahead), channel: channel, data: data)
        }
        if !live.whole {
            // The loss is counted in status (and /metrics, from the same figures).
            let status = try SkygateBinary.run(["status", "--json", "--data-dir", data])
            let report = try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any]
            let camera = (report?["cameras"] as? [[String: Any]])?.first { $0["camera"] as? String == channel }
            #expect((camera?["packetsLost"] as? Int ?? 0) > 0, "\(status.standardOutput.prefix(1500))")
        }
        let disabled = try SkygateBinary.run(["camera", "disable", channel, "--data-dir", data])
        #expect(disabled.status == 0, "\(disabled.standardError)")
        #expect(LiveServiceTests.eventually(20) { sipp().contains("bye ") }, "no BYE: \(sipp().suffix(1500))")
        #expect(serve.stop(signal: SIGTERM, timeout: 30) == 0, "\(serve.log.suffix(2000))")

        try Self.checkRecording(live, channel: channel, data: data, sent: sent())
        #expect(tshark.stop(signal: SIGINT, timeout: 10) != nil)
        try Self.checkLadder(capture, channel: channel)
    }

    /// The device's clock, read from its DeviceStatus answer (libfaketime's setting is the oracle): on the device, on
    /// its channel's status (the channel's timestamps pinned to the device's clock), and raised as `clock_offset`.
    static func checkClock(ahead: Double, channel: String, data: String) throws {
        let device = try SkygateBinary.run(["gb", "device", Self.device, "--json", "--data-dir", data])
        let shown = try JSONSerialization.jsonObject(with: Data(device.standardOutput.utf8)) as? [String: Any]
        let deviceOffset = (shown?["clock"] as? [String: Any])?["offset"] as? Double
        // DeviceTime has whole seconds: within half a second, and the answer's way over loopback.
        #expect(deviceOffset.map { abs($0 - ahead) <= 0.7 } == true, "\(device.standardOutput)")
        let status = try SkygateBinary.run(["status", "--json", "--data-dir", data])
        let report = try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any]
        let camera = (report?["cameras"] as? [[String: Any]])?.first { $0["camera"] as? String == channel }
        let channelOffset = camera?["clockOffset"] as? Double
        print("device clock \(deviceOffset ?? .nan) s ahead; its channel's \(channelOffset ?? .nan) s")
        // The keyframes' times on the device's clock less their arrival: the device's offset and the stream's jitter.
        // (The channel's clock is derived from the device's, so this checks the way there, not a second measurement.)
        #expect(channelOffset.map { abs($0 - (deviceOffset ?? ahead)) <= 0.5 } == true, "\(status.standardOutput.prefix(1500))")
        let events = try SkygateBinary.run(["events", "list", "--json", "--data-dir", data]).standardOutput
        #expect(events.contains("\"clock_offset\""), "\(events.prefix(1500))")
    }

    /// SIPp as the device: registered, keeping alive, answering the catalog query and INVITEs (live-answer.xml, which
    /// starts the sender with the case's clip and options on the ACK).
    static func liveDevice(_ live: LiveCase, channel: String, password: String, port: Int, scratch: String) throws
        -> BackgroundProgram
    {
        // 100 frames, a keyframe every 25.
        let clip = try MediaCorpus.annexBClip(hevc: live.hevc)
        // The sender paces its frames by the wall clock; a device's clock set ahead is its SIP stack's, not its media's.
        let sender =
            (live.clockAhead == nil ? [] : ["env", "-u", "LD_PRELOAD"])
            + [MediaCorpus.packageRoot.path + "/tools/gb-device/ps-rtp-sender.py", clip] + (live.hevc ? ["--hevc"] : [])
            + live.sender
        var scenario = try String(
            contentsOfFile: MediaCorpus.packageRoot.path + "/tools/gb-device/live-answer.xml", encoding: .utf8)
        for (placeholder, value) in [
            ("{{DEVICE}}", Self.device), ("{{CHANNEL}}", channel), ("{{SERVER}}", Self.serverID), ("{{DOMAIN}}", "3402000000"),
            ("{{SENDER}}", sender.joined(separator: " ")), ("{{SENDER_LOG}}", scratch + "/sender.log"),
            ("{{LONGITUDE}}", "120.118"), ("{{LATITUDE}}", "30.2531"), ("{{NAME}}", "Live gate"),
        ] {
            scenario = scenario.replacingOccurrences(of: placeholder, with: value)
        }
        try scenario.write(toFile: scratch + "/live-answer.xml", atomically: true, encoding: .utf8)
        let injection = scratch + "/device.csv"
        try """
        SEQUENTIAL
        \(Self.device);\(password);\(Self.serverID);3402000000;60;[authentication username=\(Self.device) password=\(password)];0

        """.write(toFile: injection, atomically: true, encoding: .utf8)
        return try BackgroundProgram(
            "/usr/bin/sipp",
            [
                "127.0.0.1:\(port)", "-sf", MediaCorpus.packageRoot.path + "/tools/gb-device/register.xml", "-inf", injection,
                "-oocsf", scratch + "/live-answer.xml", "-t", "u1", "-i", "127.0.0.1", "-p", "\(FreePort.udp())", "-m", "1",
                "-d", "1000", "-trace_logs", "-log_file", scratch + "/sipp.log", "-nostdin",
            ], log: scratch + "/sipp.out", environment: try live.clockAhead.map { try FakeClock.environment(aheadBy: $0) })
    }

    /// ffprobe and ffmpeg over the recorded segments, against what was sent and the keyframe index.
    static func checkRecording(_ live: LiveCase, channel: String, data: String, sent: String) throws {
        let segments = try FileManager.default.contentsOfDirectory(atPath: data + "/segments/\(channel)")
            .filter { $0.hasSuffix(".ts") }.sorted().map { data + "/segments/\(channel)/" + $0 }
        var frames = 0
        var keyframes = 0
        for segment in segments {
            let packets = try ProcessRunner.check(
                "ffprobe",
                ["-v", "error", "-select_streams", "v", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", segment]
            ).split(separator: "\n")
            frames += packets.count
            keyframes += packets.filter { $0.split(separator: ",").last?.hasPrefix("K") == true }.count
            #expect(!packets.contains { $0.hasPrefix("N/A") }, "a packet without a timestamp in \(segment)")
            let decoded = try ProcessRunner.run("ffmpeg", ["-nostdin", "-v", "error", "-i", segment, "-f", "null", "-"])
            #expect(decoded.standardError.isEmpty, "\(segment): \(decoded.standardError.prefix(500))")
        }
        if live.whole {
            #expect(frames == 100 && keyframes == 4, "\(frames) frames, \(keyframes) keyframes in \(segments.count) segments")
        } else {
            #expect(frames > 0 && frames <= 100, "\(frames) frames recorded of 100 sent (\(sent))")
        }
        let index = RecordingIndex(store: try ArchiveDatabase(path: data + "/archive.sqlite"))
        let indexed = try index.keyframes(camera: channel)
        #expect(indexed.count == keyframes, "\(indexed.count) keyframes indexed, \(keyframes) in the segments")
        #expect(live.whole == false || indexed.contains { $0.stats != nil }, "no keyframe analysed")
    }

    /// tshark's reading of the INVITE's SDP (the standard's live offer) and of the BYE.
    static func checkLadder(_ capture: String, channel: String) throws {
        let invite = try ProcessRunner.check(
            "tshark",
            [
                "-r", capture, "-Y", "sip.Method == \"INVITE\"", "-T", "fields", "-e", "sip.r-uri", "-e", "sdp.session_name",
                "-e", "sdp.media_attr", "-e", "sdp.unknown",
            ])
        let first = try #require(invite.split(separator: "\n").first.map(String.init), "no INVITE captured")
        #expect(first.contains("sip:\(channel)@") && first.contains("Play"), "\(first)")
        #expect(first.contains("recvonly") && first.contains("rtpmap:96 PS/90000"), "\(first)")
        // tshark knows no y= line (GB/T 28181's own) and shows it as an unknown SDP line.
        let ssrc = try #require(
            first.firstMatch(of: /y=([0-9]{10})/).map { String($0.1) }, "no y= line in the INVITE: \(first)")
        #expect(ssrc.hasPrefix("0" + "3402000000".dropFirst(3).prefix(5)), "SSRC \(ssrc) breaks the rule")
        let byes = try ProcessRunner.check(
            "tshark", ["-r", capture, "-Y", "sip.Method == \"BYE\"", "-T", "fields", "-e", "sip.r-uri"])
        #expect(byes.contains("sip:\(channel)@"), "no BYE on the wire: \(byes)")
    }
}
