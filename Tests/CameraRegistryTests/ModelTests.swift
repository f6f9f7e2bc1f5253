import CameraRegistry
import Foundation
import Testing

@Suite("Device IDs and stream endpoints")
struct ModelTests {
    @Test("a GB/T 28181 ID is validated and decoded")
    func decodesGBID() throws {
        let id = try DeviceID("33019900001320000007")
        let code = try #require(id.code)
        #expect(code.region == "330199" && code.provinceName == "Zhejiang")
        #expect(code.centre == "33019900" && code.industry == "00" && code.typeCode == "132" && code.typeName == "IP camera")
        #expect(code.serial == "0000007")
        #expect(try DeviceID("11010200001310000001").code?.typeName == "camera")
        #expect(try DeviceID("44030500001180000001").code?.typeName == "NVR")
    }

    @Test(
        "malformed GB/T 28181 IDs are refused with the reason",
        arguments: [
            ("3301990000132000000", "20 digits"), ("330199000013200000071", "20 digits"), ("33019900001320O00007", "20 digits"),
            ("99019900001320000007", "province"), ("33019900009990000007", "device type"), ("", "20 digits"),
        ])
    func refusesBadGBID(_ input: (String, String)) {
        #expect {
            _ = try DeviceID(input.0)
        } throws: { error in
            (error as? RegistryError)?.message.contains(input.1) == true
        }
    }

    @Test("--lenient-id accepts other schemes but still refuses unsafe text")
    func lenientIDs() throws {
        #expect(try DeviceID("cam-01.north_gate", lenient: true).code == nil)
        #expect(try DeviceID("33019900001320000007", lenient: true).code != nil)
        for bad in ["", "has space", "semi;colon", String(repeating: "x", count: 65), "中文"] {
            #expect(throws: RegistryError.self) { try DeviceID(bad, lenient: true) }
        }
        // Issue 13, item 6: an ID names the camera's recording directory; `..` recorded into the data directory.
        for unsafe in [".", "..", "...", ".hidden", "-rf"] {
            #expect(throws: RegistryError.self, "\(unsafe)") { try DeviceID(unsafe, lenient: true) }
        }
        #expect(try DeviceID("gate.1..north", lenient: true).rawValue == "gate.1..north")
    }

    @Test("credentials are split from the URL, redacted when shown, and restored only for connecting")
    func streamEndpoint() throws {
        let endpoint = try StreamEndpoint(parsing: "rtsp://admin:p%40ss%3Aw@10.0.0.7:554/Streaming/Channels/101")
        #expect(endpoint.url == "rtsp://10.0.0.7:554/Streaming/Channels/101")
        #expect(endpoint.username == "admin" && endpoint.password == "p@ss:w")
        #expect(endpoint.redacted == "rtsp://***@10.0.0.7:554/Streaming/Channels/101")
        let reparsed = try StreamEndpoint(parsing: endpoint.connectionURL)
        #expect(reparsed == endpoint)
        let plain = try StreamEndpoint(parsing: "rtsp://10.0.0.8/live")
        #expect(plain.redacted == "rtsp://10.0.0.8/live" && plain.username == nil)
        #expect(throws: RegistryError.self) { try StreamEndpoint(parsing: "not a url") }
        #expect(throws: RegistryError.self) { try StreamEndpoint(parsing: "rtsp://cam/x\r\nInjected: 1") }
    }

    /// Issue 13, item 2: an admin could point a camera at a server of their own, keep the stored credentials and
    /// receive the password in the server's Basic challenge.
    @Test("stored credentials follow a URL only while its scheme, host and port stay the same")
    func credentialsStayWithTheirOrigin() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try openRegistry(directory)
        let id = "33019900001320000001"
        var camera = Camera(
            id: try DeviceID(id), name: "gate", mainStream: try registry.streamEndpoint("rtsp://admin:secret@10.0.0.7/ch1"),
            subStream: try registry.streamEndpoint("rtsp://admin:secret@10.0.0.7/ch2"), location: nil)
        try registry.addCamera(camera)
        func connection(_ role: StreamRole) throws -> String? {
            let stored = try #require(try registry.camera(id: id)).camera
            return role == .main ? stored.mainStream.connectionURL : stored.subStream?.connectionURL
        }

        // Same origin (the default port written out, another path, the host's case): kept.
        camera.mainStream = try registry.streamEndpoint("rtsp://10.0.0.7:554/ch1?profile=2")
        #expect(try registry.updateCamera(camera) == [])
        #expect(try connection(.main) == "rtsp://admin:secret@10.0.0.7:554/ch1?profile=2")

        // Another host, port or scheme: dropped, and said so.
        for (url, expected) in [
            ("rtsp://203.0.113.9/ch1", "rtsp://203.0.113.9/ch1"), ("rtsp://10.0.0.7:8554/ch1", "rtsp://10.0.0.7:8554/ch1"),
            ("rtsps://10.0.0.7:554/ch1", "rtsps://10.0.0.7:554/ch1"),
        ] {
            var moved = try #require(try registry.camera(id: id)).camera
            moved.mainStream = try registry.streamEndpoint(url)
            moved.subStream = try registry.streamEndpoint("rtsp://10.0.0.7/ch2")
            #expect(try registry.updateCamera(moved) == [.main], "\(url)")
            #expect(try connection(.main) == expected, "\(url)")
            #expect(try connection(.sub) == "rtsp://admin:secret@10.0.0.7/ch2")
            // New credentials for the new place are stored as given.
            moved.mainStream = try registry.streamEndpoint("rtsp://admin:secret@10.0.0.7/ch1")
            #expect(try registry.updateCamera(moved) == [])
        }

        // An import that moves a stream elsewhere drops them as well, and names the camera.
        let source = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: source) }
        try Data("id,name,main_url\n\(id),gate,rtsp://198.51.100.4/ch1\n".utf8).write(
            to: URL(fileURLWithPath: source + "/" + RegistryFiles.cameras))
        let summary = try registry.importDirectory(source)
        #expect(summary.credentialsDropped == [id])
        #expect(try connection(.main) == "rtsp://198.51.100.4/ch1")
    }

    /// Issue 13, item 7: an SRT passphrase, a token parameter or an RTMP stream key was shown to every viewer and
    /// written to export files.
    @Test("secrets in a URL's query or RTMP path are shown as ***, kept out of exports, and kept when given back")
    func urlSecretsAreRedactedEverywhere() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try openRegistry(directory)
        let srt = "srt://10.0.0.5:9000?mode=caller&passphrase=0123456789ab"
        let rtmp = "rtmp://10.0.0.9/live/sk-4f2a9c"
        let id = "33019900001320000001"
        try registry.addCamera(
            Camera(
                id: try DeviceID(id), name: "gate", mainStream: try registry.streamEndpoint(srt),
                subStream: try registry.streamEndpoint(rtmp), location: nil))
        let view = CameraView(try #require(try registry.camera(id: id)))
        #expect(view.mainUrl == "srt://10.0.0.5:9000?mode=caller&passphrase=***")
        #expect(view.subUrl == "rtmp://10.0.0.9/live/***")

        let exported = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: exported) }
        _ = try registry.exportDirectory(exported)
        let file = try String(contentsOfFile: exported + "/" + RegistryFiles.cameras, encoding: .utf8)
        #expect(!file.contains("0123456789ab") && !file.contains("sk-4f2a9c"), "\(file)")
        // The export re-imported, or the URL saved as shown: the stored secrets stay.
        _ = try registry.importDirectory(exported)
        var camera = try #require(try registry.camera(id: id)).camera
        #expect(camera.mainStream.connectionURL == srt && camera.subStream?.connectionURL == rtmp)
        camera.mainStream = try registry.streamEndpoint(view.mainUrl)
        try registry.updateCamera(camera)
        #expect(try registry.camera(id: id)?.camera.mainStream.connectionURL == srt)
        // A new secret replaces the stored one.
        camera.mainStream = try registry.streamEndpoint("srt://10.0.0.5:9000?mode=caller&passphrase=new-secret-99")
        try registry.updateCamera(camera)
        #expect(try registry.camera(id: id)?.camera.mainStream.connectionURL.hasSuffix("passphrase=new-secret-99") == true)
    }

    /// Issue 13, item 10: a credential key readable by other users was used as if private.
    @Test("a credential key file that other users may read is refused, with the fix")
    func looseKeyFileIsRefused() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try openRegistry(directory)
        let key = directory + "/secrets/registry.key"
        let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        #expect {
            _ = try openRegistry(directory)
        } throws: { error in
            "\(error)".contains("chmod 600")
        }
    }
}
