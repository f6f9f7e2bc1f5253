import Access
import Archive
import CameraRegistry
import Events
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import MediaIO
import Synchronization
import TestSupport
import Testing

@Suite("Gateway behaviour")
struct GatewayBehaviourTests {
    @Test("every snapshot, clip, keyframe and seek request leaves exactly one audit row naming who, what and from where")
    func videoAccessIsAudited() async throws {
        let fixture = try GatewayFixture()
        let camera = GatewayFixture.camera
        let from = TimeText.format(fixture.keyframeTimes[1])
        let requests = [
            ("/api/cameras/\(camera)/snapshot", "snapshot.read"),
            ("/api/cameras/\(camera)/clip?from=\(from)&duration=4", "clip.export"),
            ("/api/cameras/\(camera)/keyframes", "keyframes.read"),
            ("/api/cameras/\(camera)/seek?at=\(from)", "keyframes.seek"),
            ("/api/cameras/\(camera)/snapshot", "snapshot.read"),
        ]
        try await fixture.application.test(.router) { client in
            for (index, (path, action)) in requests.enumerated() {
                let before = try fixture.audit().count
                let response = try await client.execute(uri: path, method: .get, headers: fixture.headers(.operator))
                #expect(response.status == .ok, "\(path): \(response.text)")
                let rows = try fixture.audit().dropFirst(before)
                #expect(rows.count == 1, "\(path) made \(rows.count) audit rows")
                #expect(rows.first?.action == action)
                #expect(rows.first?.target == camera)
                #expect(rows.first?.actor.hasPrefix("token:test-operator#") == true)
                #expect(rows.first?.source.isEmpty == false)
                _ = index
            }
            // Reading status, events and reports is not video access and adds no rows.
            let before = try fixture.audit().count
            for path in ["/api/status", "/api/events", "/api/cameras/\(camera)/stats", "/api/reports/availability"] {
                _ = try await client.execute(uri: path, method: .get, headers: fixture.headers(.viewer))
            }
            #expect(try fixture.audit().count == before)
            // The trail is an admin's to read, over the API too.
            let trail = try await client.execute(uri: "/api/audit?action=clip", method: .get, headers: fixture.headers(.admin))
            #expect(try trail.json([AuditEntry].self).map(\.action) == ["clip.export"])
        }
    }

    /// Issue 13, item 10: an alarm name with a terminal escape was stored and printed by `events list`.
    @Test("a sensor alarm's name gets the registry's text checks: control characters are refused")
    func alarmNamesAreChecked() async throws {
        let fixture = try GatewayFixture()
        try await fixture.application.test(.router) { client in
            for name in ["smoke\u{1B}[2J", "door\nforced", "gas\u{9B}31m"] {
                let body = try JSONSerialization.data(withJSONObject: ["alarm": name])
                let answer = try await client.execute(
                    uri: "/api/sensors/\(GatewayFixture.sensor)/alarms", method: .post, headers: fixture.headers(.operator),
                    body: ByteBuffer(data: body))
                #expect(answer.status.code == 422 || answer.status.code == 400, "\(name.debugDescription): \(answer.status)")
            }
            #expect(try fixture.services.events.events(EventQuery()).isEmpty)
            // A valid alarm is recorded, and audited like every other write (it was not).
            let valid = try await client.execute(
                uri: "/api/sensors/\(GatewayFixture.sensor)/alarms", method: .post, headers: fixture.headers(.operator),
                body: ByteBuffer(string: #"{"alarm":"smoke"}"#))
            #expect(valid.status == .created)
            #expect(try fixture.audit().contains { $0.action == "sensor.alarm" && $0.detail == "smoke raised" })
        }
    }

    /// Issue 13, item 4: `/stats?from=2000-…` read every row of the camera (22 s, 1.3 GB at 1.5 M rows).
    @Test("range queries are bounded: too wide a range is refused with the limit, a keyframe listing stops at its limit")
    func rangesAreBounded() async throws {
        let fixture = try GatewayFixture()
        let camera = GatewayFixture.camera
        try await fixture.application.test(.router) { client in
            for (path, days) in [("stats", 1), ("coverage", 31), ("health", 31)] {
                let wide = try await client.execute(
                    uri: "/api/cameras/\(camera)/\(path)?from=2000-01-01T00:00:00Z", method: .get,
                    headers: fixture.headers(.viewer))
                #expect(wide.status == .badRequest, "\(path): \(wide.status)")
                #expect(wide.text.contains("at most \(days) day"), "\(path): \(wide.text)")
            }
            let report = try await client.execute(
                uri: "/api/reports/availability?from=2000-01-01T00:00:00Z", method: .get, headers: fixture.headers(.viewer))
            #expect(report.status == .badRequest)
            // Pages follow each other with no keyframe skipped or repeated, and the last one says so.
            struct Page: Decodable {
                var keyframes: [RecordedKeyframe]
                var next: String?
            }
            let range = "from=\(TimeText.format(fixture.keyframeTimes[0]))&to=\(TimeText.format(fixture.keyframeTimes.last! + 1))"
            var listed: [Date] = []
            var after: String? = nil
            repeat {
                let query = range + "&limit=2" + (after.map { "&after=\($0)" } ?? "")
                let response = try await client.execute(
                    uri: "/api/cameras/\(camera)/keyframes?\(query)", method: .get, headers: fixture.headers(.operator))
                let page = try response.json(Page.self)
                #expect(page.keyframes.count <= 2)
                listed += page.keyframes.map(\.wallClock)
                after = page.next
            } while after != nil && listed.count < 100
            #expect(listed.count == fixture.keyframeTimes.count, "\(listed.count) listed of \(fixture.keyframeTimes.count)")
            #expect(zip(listed, fixture.keyframeTimes).allSatisfy { abs($0.timeIntervalSince($1)) < 0.001 })
            let bad = try await client.execute(
                uri: "/api/cameras/\(camera)/keyframes?after=yesterday", method: .get, headers: fixture.headers(.operator))
            #expect(bad.status == .badRequest)
            // Statistics: at most `points` averages, every analysed keyframe counted once.
            let stats = try await client.execute(
                uri: "/api/cameras/\(camera)/stats?\(range)&points=2", method: .get, headers: fixture.headers(.viewer))
            let points = try stats.json([StatsPoint].self)
            #expect(points.count == 2 && points.map(\.keyframes).reduce(0, +) == fixture.keyframeTimes.count, "\(points)")
        }
    }

    /// Issue 13, item 9: clip exports had no concurrency limit and no free-space check.
    @Test("clip exports are refused beyond the concurrency limit (429) and when they would eat recording's space (507)")
    func clipExportsAreBounded() async throws {
        let fixture = try GatewayFixture()
        let camera = GatewayFixture.camera
        let uri = "/api/cameras/\(camera)/clip?from=\(TimeText.format(fixture.keyframeTimes[1]))&duration=4"
        fixture.services.clipLimits.minimumFreeBytes = Int64.max / 4
        try await fixture.application.test(.router) { client in
            let refused = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.operator))
            #expect(refused.status.code == 507, "\(refused.status): \(refused.text)")
        }
        let scratch = fixture.directory + "/tmp"
        let left = (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? []
        #expect(left.isEmpty, "a refused clip left \(left)")

        fixture.services.clipLimits = ClipLimits(maximumConcurrent: 0)
        try await fixture.application.test(.router) { client in
            let busy = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.operator))
            #expect(busy.status == .tooManyRequests, "\(busy.status)")
        }
        // Eight at once with one slot: each is sent whole or refused, never half written.
        fixture.services.clipLimits = ClipLimits(maximumConcurrent: 1)
        let headers = fixture.headers(.operator)
        try await fixture.application.test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await client.execute(uri: uri, method: .get, headers: headers).status.code }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 } && statuses.contains(200), "\(statuses)")
        }
    }

    @Test("snapshot is the last analysed keyframe as a JPEG; clip is an MP4 from the keyframe at or before 'from'")
    func snapshotAndClip() async throws {
        let fixture = try GatewayFixture()
        let camera = GatewayFixture.camera
        try await fixture.application.test(.router) { client in
            let snapshot = try await client.execute(
                uri: "/api/cameras/\(camera)/snapshot", method: .get, headers: fixture.headers(.operator))
            #expect(snapshot.headers[.contentType] == "image/jpeg")
            #expect(
                snapshot.headers[HTTPField.Name("Skygate-Keyframe-Time")!] == TimeText.format(fixture.keyframeTimes.last!))
            let jpeg = fixture.directory + "/snapshot.jpg"
            try Data(buffer: snapshot.body).write(to: URL(fileURLWithPath: jpeg))
            let probed = try ProcessRunner.check(
                "ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", jpeg])
            #expect(probed.trimmingCharacters(in: .whitespacesAndNewlines) == "mjpeg,640,360")

            let from = fixture.keyframeTimes[2].addingTimeInterval(0.5)
            let clip = try await client.execute(
                uri: "/api/cameras/\(camera)/clip?from=\(TimeText.format(from))&duration=3", method: .get,
                headers: fixture.headers(.operator))
            #expect(clip.status == .ok)
            #expect(clip.headers[.contentType] == "video/mp4")
            let mp4 = fixture.directory + "/clip.mp4"
            try Data(buffer: clip.body).write(to: URL(fileURLWithPath: mp4))
            let duration =
                Double(
                    try ProcessRunner.check(
                        "ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", mp4]
                    )
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            // From the keyframe 0.5 s before 'from' to 3 s after it.
            #expect(abs(duration - 3.5) < 0.2, "clip lasts \(duration) s")
            // Nothing left behind in the scratch directory.
            #expect((try? FileManager.default.contentsOfDirectory(atPath: fixture.directory + "/tmp"))?.isEmpty ?? true)

            let missing = try await client.execute(
                uri: "/api/cameras/\(camera)/clip?from=2020-01-01T00:00:00Z", method: .get, headers: fixture.headers(.operator))
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("nothing was recorded"))
        }
    }

    @Test("no response ever carries a camera password or a token other than at its creation")
    func secretsNeverLeave() async throws {
        let fixture = try GatewayFixture()
        let camera = GatewayFixture.camera
        let created = try await fixture.application.test(.router) { client -> String in
            // A camera added over the API with credentials, and a sensor alarm so events exist.
            let added = try await client.execute(
                uri: "/api/cameras", method: .post, headers: fixture.headers(.admin),
                body: ByteBuffer(
                    string:
                        #"{"id":"33019900001320000099","name":"api camera","mainUrl":"rtsp://ops:\#(GatewayFixture.password)@192.0.2.11/live","longitude":120.118,"latitude":30.2529}"#
                ))
            #expect(added.status == .created, "\(added.text)")
            #expect(try added.json(CameraView.self).mainUrl == "rtsp://***@192.0.2.11/live")
            _ = try await client.execute(
                uri: "/api/sensors/\(GatewayFixture.sensor)/alarms", method: .post, headers: fixture.headers(.operator),
                body: ByteBuffer(string: #"{"alarm":"smoke"}"#))
            let token = try await client.execute(
                uri: "/api/tokens", method: .post, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"name":"integration","role":"viewer"}"#))
            #expect(token.status == .created)
            return try token.json([String: JSONAny].self)["token"]?.string ?? ""
        }
        #expect(created.hasPrefix("sgt_"))
        let secrets = [GatewayFixture.password, created] + fixture.tokens.values
        try await fixture.application.test(.router) { client in
            let paths = [
                "/api/cameras", "/api/cameras/\(camera)", "/api/cameras/33019900001320000099", "/api/status", "/api/events",
                "/api/tokens", "/api/audit", "/api/whoami", "/api/map/grids", "/api/sensors", "/metrics",
                "/api/cameras/\(camera)/health", "/api/cameras/\(camera)/keyframes", "/api/reports/availability", "/openapi.json",
                "/", "/app.js",
            ]
            for path in paths {
                let response = try await client.execute(uri: path, method: .get, headers: fixture.headers(.admin))
                for secret in secrets {
                    #expect(!response.text.contains(secret), "\(path) shows a secret")
                    #expect(!"\(response.headers)".contains(secret))
                }
            }
            // An invalid URL is refused with its reason, and the refusal does not echo the password either.
            let refused = try await client.execute(
                uri: "/api/cameras/\(camera)", method: .patch, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"mainUrl":"file:///etc/passwd?\#(GatewayFixture.password)"}"#))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("file"))
        }
        // Nor the stores on disk: tokens are kept only as hashes, passwords only encrypted.
        for file in ["access.sqlite", "registry.sqlite", "events.sqlite"] {
            let path = fixture.directory + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            for secret in secrets { #expect(data.range(of: Data(secret.utf8)) == nil, "\(file) holds a secret") }
        }
    }

    @Test("a sensor alarm is recorded once per Idempotency-Key, linked to its grid, and clears")
    func sensorAlarms() async throws {
        let fixture = try GatewayFixture()
        let path = "/api/sensors/\(GatewayFixture.sensor)/alarms"
        let headers: HTTPFields = {
            var headers = fixture.headers(.operator)
            headers[HTTPField.Name("Idempotency-Key")!] = "alarm-42"
            return headers
        }()
        try await fixture.application.test(.router) { client in
            let first = try await client.execute(
                uri: path, method: .post, headers: headers, body: ByteBuffer(string: #"{"alarm":"smoke","value":3.5}"#))
            #expect(first.status == .created)
            let event = try first.json(Event.self)
            #expect(event.kind == .sensorAlarm && event.state == .open && event.reason == "smoke")
            #expect(event.evidence["value"] == 3.5)
            #expect(!event.location.grids.isEmpty)
            let again = try await client.execute(
                uri: path, method: .post, headers: headers, body: ByteBuffer(string: #"{"alarm":"smoke","value":3.5}"#))
            #expect(again.status == .ok)
            #expect(try again.json(Event.self).id == event.id)
            #expect(try fixture.services.events.events().count == 1)

            let cleared = try await client.execute(
                uri: path, method: .post, headers: fixture.headers(.operator),
                body: ByteBuffer(string: #"{"alarm":"smoke","active":false}"#))
            #expect(cleared.status == .created)
            #expect(try cleared.json(Event.self).state == .cleared)
            let nothingOpen = try await client.execute(
                uri: path, method: .post, headers: fixture.headers(.operator),
                body: ByteBuffer(string: #"{"alarm":"smoke","active":false}"#))
            #expect(nothingOpen.status == .conflict)
            let unknown = try await client.execute(
                uri: "/api/sensors/33019900001340009999/alarms", method: .post, headers: fixture.headers(.operator),
                body: ByteBuffer(string: #"{"alarm":"smoke"}"#))
            #expect(unknown.status == .notFound)
            let bad = try await client.execute(
                uri: path, method: .post, headers: fixture.headers(.operator), body: ByteBuffer(string: #"{"value":1}"#))
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("alarm"))

            let ack = try await client.execute(
                uri: "/api/events/\(event.id)/acknowledge", method: .post, headers: fixture.headers(.operator))
            #expect(try ack.json(Event.self).acknowledgedBy == "test-operator")
        }
    }

    @Test("event pages follow 'next' without gaps or repeats, with the CLI's filters")
    func eventPaging() async throws {
        let fixture = try GatewayFixture()
        let start = Date().addingTimeInterval(-100)
        // One open alarm per sensor at a time: each event is raised and cleared; five share each second.
        for index in 0..<25 {
            for phase in [DetectorTransition.Phase.raised, .cleared] {
                _ = try fixture.services.engine.sensorAlarm(
                    sensor: GatewayFixture.sensor, alarm: "door", phase: phase, at: start.addingTimeInterval(Double(index / 5)),
                    idempotencyKey: nil)
            }
        }
        try await fixture.application.test(.router) { client in
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let uri = "/api/events?limit=4&kind=sensor_alarm" + (cursor.map { "&before=\($0)" } ?? "")
                let page = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.viewer)).json(
                    EventPage.self)
                seen += page.events.map(\.id)
                cursor = page.next
            } while cursor != nil
            #expect(seen.count == 25)
            #expect(Set(seen).count == 25)
            let offline = try await client.execute(
                uri: "/api/events?kind=offline", method: .get, headers: fixture.headers(.viewer))
            #expect(try offline.json(EventPage.self).events.isEmpty)
            let grid = try fixture.services.registry.sensor(id: GatewayFixture.sensor)!.gridPath.last!.id
            let byGrid = try await client.execute(
                uri: "/api/events?grid=\(grid)&limit=1000", method: .get, headers: fixture.headers(.viewer))
            #expect(try byGrid.json(EventPage.self).events.count == 25)
            let badKind = try await client.execute(uri: "/api/events?kind=fire", method: .get, headers: fixture.headers(.viewer))
            #expect(badKind.status == .badRequest)
            #expect(badKind.text.contains("too_dark"))
            let badTime = try await client.execute(
                uri: "/api/events?from=yesterday", method: .get, headers: fixture.headers(.viewer))
            #expect(badTime.status == .badRequest)
            // Present but empty is not "any": schemathesis found "?state=" answered with every event.
            for query in ["state=", "state=closed"] {
                let badState = try await client.execute(
                    uri: "/api/events?\(query)", method: .get, headers: fixture.headers(.viewer))
                #expect(badState.status == .badRequest, "\(query): \(badState.status)")
                #expect(badState.text.contains("open, cleared"), "\(query): \(badState.text)")
            }
            let badGrouping = try await client.execute(
                uri: "/api/reports/availability?by=", method: .get, headers: fixture.headers(.viewer))
            #expect(badGrouping.status == .badRequest && badGrouping.text.contains("camera, grid, location"))
        }
    }

    /// Issue 13, item 10: the API audited a registry change after making it, so a change whose audit row could not
    /// be written was made anyway. The row is now written inside the change's transaction.
    @Test("a registry change that cannot be audited is not made (fail closed)")
    func unauditedChangesAreRefused() async throws {
        let fixture = try GatewayFixture()
        let camera = GatewayFixture.camera
        // The audit table out of reach, as a full or broken audit database would have it.
        @Sendable func auditTable(_ from: String, _ to: String) throws {
            let result = try ProcessRunner.run(
                "python3",
                [
                    "-c", "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(sys.argv[2]); db.commit()",
                    fixture.directory + "/access.sqlite", "ALTER TABLE \(from) RENAME TO \(to)",
                ])
            #expect(result.status == 0, "\(result.standardError)")
        }
        try auditTable("audit", "audit_away")
        try await fixture.application.test(.router) { client in
            let patch = try await client.execute(
                uri: "/api/cameras/\(camera)", method: .patch, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"name":"unaudited"}"#))
            #expect(patch.status == .internalServerError, "\(patch.status) \(patch.text)")
            let removal = try await client.execute(
                uri: "/api/cameras/\(camera)", method: .delete, headers: fixture.headers(.admin))
            #expect(removal.status == .internalServerError)
            #expect(try fixture.services.registry.camera(id: camera)?.camera.name != "unaudited")

            try auditTable("audit_away", "audit")
            let audited = try await client.execute(
                uri: "/api/cameras/\(camera)", method: .patch, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"name":"audited"}"#))
            #expect(audited.status == .ok)
            #expect(try fixture.services.registry.camera(id: camera)?.camera.name == "audited")
            #expect(try fixture.audit().filter { $0.action.hasPrefix("camera.") }.map(\.action) == ["camera.update"])
        }
    }

    /// Issue 13, item 10: `/readyz` is open to anyone and answered with SQLite's message and the database's path.
    @Test("an unready gateway says which part is unavailable, and nothing of why (no paths, no SQLite text)")
    func readinessKeepsErrorsInside() async throws {
        let fixture = try GatewayFixture()
        struct Readiness: Decodable {
            var ready: Bool
            var checks: [String: String]
        }
        try await fixture.application.test(.router) { client in
            // No ingest service runs beside this gateway, so it is not ready, but its stores are there.
            let before = try await client.execute(uri: "/readyz", method: .get)
            #expect(try before.json(Readiness.self).checks["registry"] == "ok", "\(before.text)")
            // The published status out of reach, as a broken archive would have it.
            let broken = try ProcessRunner.run(
                "python3",
                [
                    "-c", "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(sys.argv[2]); db.commit()",
                    fixture.directory + "/archive.sqlite", "ALTER TABLE camera_status RENAME TO camera_status_away",
                ])
            #expect(broken.status == 0, "\(broken.standardError)")
            // The status cache answers from memory for a second; the probe must see the failure once it reads.
            var answer = try await client.execute(uri: "/readyz", method: .get)
            for _ in 0..<20 where try answer.json(Readiness.self).checks["registry"] == "ok" {
                try await Task.sleep(for: .milliseconds(250))
                answer = try await client.execute(uri: "/readyz", method: .get)
            }
            #expect(answer.status == .serviceUnavailable, "\(answer.text)")
            let readiness = try answer.json(Readiness.self)
            #expect(!readiness.ready && readiness.checks["registry"] == "unavailable", "\(answer.text)")
            for leak in ["camera_status", "sqlite", "SQLite", fixture.directory, "no such table", "/"] {
                #expect(!answer.text.contains(leak), "\(leak) in \(answer.text)")
            }
        }
    }

    @Test("GB/T 28181 devices over the API: a password is required, never shown back, and every change is audited")
    func gbDevices() async throws {
        let fixture = try GatewayFixture()
        let device = "34020000001320000042"
        let secret = "Dev1ce-secret-42"
        try await fixture.application.test(.router) { client in
            let uri = "/api/gb/devices/\(device)"
            let missing = try await client.execute(
                uri: uri, method: .put, headers: fixture.headers(.admin), body: ByteBuffer(string: #"{"name":"north gate"}"#))
            #expect(missing.status == .badRequest, "\(missing.text)")
            let short = try await client.execute(
                uri: uri, method: .put, headers: fixture.headers(.admin), body: ByteBuffer(string: #"{"password":"short"}"#))
            #expect(short.status.code == 422 || short.status.code == 400, "\(short.text)")
            let operatorTry = try await client.execute(
                uri: uri, method: .put, headers: fixture.headers(.operator),
                body: ByteBuffer(string: #"{"password":"\#(secret)"}"#))
            #expect(operatorTry.status == .forbidden)
            let added = try await client.execute(
                uri: uri, method: .put, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"name":"north gate","mediaTransport":"udp","password":"\#(secret)"}"#))
            #expect(added.status == .created, "\(added.text)")
            #expect(try fixture.services.registry.gbDevicePasswords()[device] == secret)
            for path in [uri, "/api/gb/devices"] {
                let read = try await client.execute(uri: path, method: .get, headers: fixture.headers(.viewer))
                #expect(read.status == .ok && read.text.contains("north gate") && read.text.contains("udp"), "\(read.text)")
                #expect(!read.text.contains(secret) && !read.text.contains("password"), "\(read.text)")
            }
            let removed = try await client.execute(uri: uri, method: .delete, headers: fixture.headers(.admin))
            #expect(removed.status == .noContent)
            let gone = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.viewer))
            #expect(gone.status == .notFound)
            #expect(
                try fixture.audit().filter { $0.action.hasPrefix("gb.") }.map(\.action) == ["gb.device.add", "gb.device.remove"])
        }
    }

    @Test("a device refresh: 409 without a SIP server or when offline, 404 for a stranger, 202 and audited when asked")
    func gbDeviceRefresh() async throws {
        var fixture = try GatewayFixture()
        let (online, offline) = ("34020000001320000042", "34020000001320000043")
        for device in [online, offline] {
            try fixture.services.registry.saveGBDevice(GBDevice(id: try DeviceID(device)), password: "Dev1ce-secret-42")
        }
        let uri: @Sendable (String) -> String = { "/api/gb/devices/\($0)/refresh" }
        let withoutSIP = fixture
        try await withoutSIP.application.test(.router) { client in
            let off = try await client.execute(uri: uri(online), method: .post, headers: withoutSIP.headers(.operator))
            #expect(off.status == .conflict && off.text.contains("--sip"), "\(off.text)")
        }
        let asked = Mutex<[String]>([])
        fixture.services.refreshGBDevice = { device in
            asked.withLock { $0.append(device) }
            return device == online
        }
        let withSIP = fixture
        try await withSIP.application.test(.router) { client in
            let stranger = try await client.execute(
                uri: uri("34020000001320000044"), method: .post, headers: withSIP.headers(.operator))
            #expect(stranger.status == .notFound)
            let silent = try await client.execute(uri: uri(offline), method: .post, headers: withSIP.headers(.operator))
            #expect(silent.status == .conflict && silent.text.contains("not registered and online"), "\(silent.text)")
            let done = try await client.execute(uri: uri(online), method: .post, headers: withSIP.headers(.operator))
            #expect(done.status == .accepted, "\(done.text)")
        }
        #expect(asked.withLock { $0 } == [offline, online])
        #expect(try fixture.audit().filter { $0.action == "gb.device.refresh" }.map(\.target) == [online])
    }

    @Test("a GB/T 28181 device alarm is an event of its channel, linked to the channel's grid, recorded once per message")
    func deviceAlarms() async throws {
        let fixture = try GatewayFixture()
        let camera = GatewayFixture.camera
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        func raise() throws -> EventStore.Outcome {
            try fixture.services.engine.deviceAlarm(
                device: camera, alarm: "video/4", description: "Video tamper", priority: 1, method: 5, type: 4, at: at,
                idempotencyKey: IdempotencyKey("77@1800000000.0", sender: "gb:34020000001320000001"))
        }
        guard case .recorded(let event) = try raise() else {
            Issue.record("not recorded")
            return
        }
        #expect(event.kind == .deviceAlarm && event.reason == "video/4: Video tamper" && event.evidence["method"] == 5)
        #expect(!event.location.grids.isEmpty, "linked to the channel's grid")
        guard case .duplicate = try raise() else {
            Issue.record("a resent alarm was recorded twice")
            return
        }
        try await fixture.application.test(.router) { client in
            let listed = try await client.execute(
                uri: "/api/events?kind=device_alarm", method: .get, headers: fixture.headers(.viewer))
            #expect(listed.status == .ok && listed.text.contains("Video tamper"), "\(listed.text)")
        }
    }

    @Test("registry changes over the API use the registry's validation and are audited")
    func registryChanges() async throws {
        let fixture = try GatewayFixture()
        try await fixture.application.test(.router) { client in
            let badID = try await client.execute(
                uri: "/api/cameras", method: .post, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"id":"12345","name":"x","mainUrl":"rtsp://192.0.2.1/x"}"#))
            #expect(badID.status == .unprocessableContent)
            let badURL = try await client.execute(
                uri: "/api/cameras", method: .post, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"id":"33019900001320000098","name":"x","mainUrl":"concat:a.ts|b.ts"}"#))
            #expect(badURL.status == .unprocessableContent)
            // A misspelt field is refused, not ignored (schemathesis' negative checks found it ignored).
            let typo = try await client.execute(
                uri: "/api/cameras/\(GatewayFixture.camera)", method: .patch, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"retentiondays":5}"#))
            #expect(typo.status == .badRequest && typo.text.contains("retentiondays"), "\(typo.status) \(typo.text)")
            let changed = try await client.execute(
                uri: "/api/cameras/\(GatewayFixture.camera)", method: .patch, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"name":"renamed","mode":"off"}"#))
            #expect(changed.status == .ok)
            let view = try changed.json(CameraView.self)
            #expect(view.name == "renamed" && view.mode == .off)
            // A stream URL without credentials keeps the stored ones (and never shows them).
            #expect(view.mainUrl.contains("***"))
            let removed = try await client.execute(
                uri: "/api/cameras/\(GatewayFixture.camera)", method: .delete, headers: fixture.headers(.admin))
            #expect(removed.status == .noContent)
            let gone = try await client.execute(
                uri: "/api/cameras/\(GatewayFixture.camera)", method: .get, headers: fixture.headers(.viewer))
            #expect(gone.status == .notFound)
            let actions = try fixture.audit().map(\.action).filter { $0.hasPrefix("camera.") }
            #expect(actions == ["camera.update", "camera.remove"])
        }
    }

    /// Issue 16, item 1: modes over the API, per camera and per grid.
    @Test("a grid's mode set over the API reaches the cameras below it, filters by mode, refuses a bad one, is audited")
    func modes() async throws {
        let fixture = try GatewayFixture()
        let inStreet = try fixture.services.registry.cameras(CameraFilter(gridID: "YX-S2")).count
        try await fixture.application.test(.router) { client in
            let byOperator = try await client.execute(
                uri: "/api/grids/YX-S2/mode", method: .put, headers: fixture.headers(.operator),
                body: ByteBuffer(string: #"{"mode":"patrol"}"#))
            #expect(byOperator.status == .forbidden, "an operator may not change modes")
            let set = try await client.execute(
                uri: "/api/grids/YX-S2/mode", method: .put, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"mode":"patrol"}"#))
            #expect(set.status == .ok && set.text.contains(#""changed":\#(inStreet)"#), "\(set.text)")
            let listed = try await client.execute(
                uri: "/api/cameras?mode=patrol", method: .get, headers: fixture.headers(.viewer))
            let patrolled = try listed.json([CameraView].self)
            #expect(patrolled.count == inStreet && patrolled.allSatisfy { $0.gridPath.contains { $0.id == "YX-S2" } })
            let both = try await client.execute(
                uri: "/api/cameras?mode=patrol,off", method: .get, headers: fixture.headers(.viewer))
            #expect(try both.json([CameraView].self).count == inStreet + 1, "the demo has one camera off")
            for bad in ["/api/cameras?mode=recording", "/api/cameras?mode="] {
                let refused = try await client.execute(uri: bad, method: .get, headers: fixture.headers(.viewer))
                #expect(refused.status == .badRequest && refused.text.contains("record, patrol, off"), "\(bad): \(refused.text)")
            }
            let badBody = try await client.execute(
                uri: "/api/grids/YX-S2/mode", method: .put, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"mode":"sometimes"}"#))
            #expect(badBody.status == .badRequest || badBody.status == .unprocessableContent, "\(badBody.status)")
            let noGrid = try await client.execute(
                uri: "/api/grids/NOWHERE/mode", method: .put, headers: fixture.headers(.admin),
                body: ByteBuffer(string: #"{"mode":"off"}"#))
            #expect(noGrid.status == .notFound)
            let audited = try fixture.audit().filter { $0.action == "grid.mode" }
            #expect(audited.count == 1 && audited.first?.detail == "patrol: \(inStreet) cameras")
        }
    }

    /// Issue 16, item 4: the patrol over the API.
    @Test("GET /api/patrol lists the patrol cameras with their latest visit; a camera's visits come newest first")
    func patrol() async throws {
        let fixture = try GatewayFixture()
        let registry = fixture.services.registry
        try registry.setMode(.patrol, cameraID: GatewayFixture.camera)
        let log = PatrolVisitLog(store: fixture.services.archive)
        let start = Date(timeIntervalSince1970: 1_796_126_400)
        try log.append([
            PatrolVisit(camera: GatewayFixture.camera, startedAt: start, duration: 2, outcome: .unreachable, reason: "refused"),
            PatrolVisit(
                camera: GatewayFixture.camera, startedAt: start + 900, duration: 3.5, outcome: .ok,
                stream: StreamFacts(codec: "h264", width: 1920, height: 1080, frameRate: 25, gop: 2, bitrate: 4e6)),
        ])
        try await fixture.application.test(.router) { client in
            let report = try await client.execute(uri: "/api/patrol", method: .get, headers: fixture.headers(.viewer))
            let decoded = try report.json(PatrolReport.self)
            #expect(decoded.cameras.map(\.camera) == [GatewayFixture.camera] && decoded.outcomes == ["ok": 1])
            #expect(decoded.cameras.first?.lastVisit?.stream?.height == 1080)
            let visits = try await client.execute(
                uri: "/api/cameras/\(GatewayFixture.camera)/visits", method: .get, headers: fixture.headers(.viewer))
            #expect(try visits.json([PatrolVisit].self).map(\.outcome) == [.ok, .unreachable])
            let noGrid = try await client.execute(
                uri: "/api/patrol?grid=NOWHERE", method: .get, headers: fixture.headers(.viewer))
            #expect(noGrid.status == .notFound)
            // The map's brief: the latest visit only, without keyframes.
            let latest = try await client.execute(uri: "/api/patrol/latest", method: .get, headers: fixture.headers(.viewer))
            #expect(
                try latest.json([PatrolVisitBrief].self)
                    == [PatrolVisitBrief(camera: GatewayFixture.camera, startedAt: start + 900, outcome: .ok)])
            #expect(!latest.text.contains("keyframes"), "\(latest.text)")
            let latestNoGrid = try await client.execute(
                uri: "/api/patrol/latest?grid=NOWHERE", method: .get, headers: fixture.headers(.viewer))
            #expect(latestNoGrid.status == .notFound)
            // A dashboard asks for the cameras visited longest ago, not a district's every line.
            try registry.setMode(.patrol, gridID: "YX")
            let whole = try await client.execute(uri: "/api/patrol", method: .get, headers: fixture.headers(.viewer))
                .json(PatrolReport.self)
            let first = try await client.execute(uri: "/api/patrol?limit=1", method: .get, headers: fixture.headers(.viewer))
                .json(PatrolReport.self)
            #expect(whole.total > 1 && whole.cameras.count == whole.total, "\(whole.total)")
            let briefs = try await client.execute(uri: "/api/patrol/latest", method: .get, headers: fixture.headers(.viewer))
            #expect(try briefs.json([PatrolVisitBrief].self).count == 1, "the cameras never visited are absent")
            #expect(first.total == whole.total && first.cameras.map(\.camera) == [whole.cameras[0].camera])
            let zero = try await client.execute(uri: "/api/patrol?limit=0", method: .get, headers: fixture.headers(.viewer))
            #expect(zero.status == .badRequest)

            // Rounds as the service stores them, newest first.
            let rounds = PatrolRoundLog(store: fixture.services.archive)
            try rounds.append(PatrolRound(startedAt: start, endedAt: start + 600, cameras: 1, visits: 1, unreachable: 1))
            try rounds.append(PatrolRound(startedAt: start + 900, endedAt: start + 1200, cameras: 1, visits: 1, ok: 1))
            let listed = try await client.execute(
                uri: "/api/patrol/rounds?limit=5", method: .get, headers: fixture.headers(.viewer))
            #expect(try listed.json([PatrolRound].self).map(\.ok) == [1, 0])
            // Run now: an operator's request, audited, waiting for the running patrol to take it.
            let before = try fixture.audit().count
            let runNow = try await client.execute(
                uri: "/api/patrol/run-now", method: .post, headers: fixture.headers(.operator))
            #expect(runNow.status == .ok)
            let audit = try fixture.audit().dropFirst(before)
            #expect(audit.map(\.action) == ["patrol.run-now"] && audit.first?.target == "all", "\(audit)")
            let taken = try rounds.takeRequests()
            #expect(taken.map(\.grid) == [nil] && taken.first?.requestedBy == audit.first?.actor)
            #expect(try rounds.takeRequests().isEmpty, "a request was taken twice")
            let unknown = try await client.execute(
                uri: "/api/patrol/run-now?grid=NOWHERE", method: .post, headers: fixture.headers(.operator))
            #expect(unknown.status == .notFound)
            #expect(try rounds.takeRequests().isEmpty, "a refused request was stored")
        }
    }
}

/// Enough of JSON to read one field of a response.
enum JSONAny: Decodable {
    case string(String)
    case other
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = (try? container.decode(String.self)).map(JSONAny.string) ?? .other
    }
    var string: String? { if case .string(let text) = self { text } else { nil } }
}
