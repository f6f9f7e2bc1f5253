import Foundation
import TestSupport
import Testing

@Suite("Registry commands")
struct RegistryCommandTests {
    static let demo = MediaCorpus.packageRoot.appendingPathComponent("camera-registry/demo").path

    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-cli-registry-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("credentials never appear in any output, log line, export file or error message")
    func credentialsNeverShown() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = ["--data-dir", directory + "/data", "--log-level", "trace"]
        let secret = "S3cr3t-Pw"
        let id = "33019900001320009901"
        let url = "rtsp://admin:\(secret)@10.9.8.7:554/ch1"
        var transcripts: [String] = []
        func run(_ arguments: [String], expectSuccess: Bool) throws {
            let result = try SkygateBinary.run(arguments + data)
            transcripts.append(result.standardOutput + result.standardError)
            #expect((result.status == 0) == expectSuccess, "\(arguments): \(result.standardError)")
        }
        try run(["registry", "import", Self.demo], expectSuccess: true)
        try run(
            ["camera", "add", id, "--name", "North gate", "--url", url, "--longitude", "120.11", "--latitude", "30.25"],
            expectSuccess: true)
        for arguments in [
            ["camera", "list"], ["camera", "list", "--json"], ["camera", "list", "--csv"], ["camera", "show", id],
            ["camera", "show", id, "--json"],
            ["camera", "update", id, "--name", "North gate 2"], ["grid", "show", "YX"], ["sensor", "list", "--json"],
            ["registry", "export", directory + "/export"],
        ] {
            try run(arguments, expectSuccess: true)
        }
        for arguments in [
            ["camera", "add", id, "--name", "again", "--url", url],  // exists
            ["camera", "add", "bad-id", "--name", "x", "--url", url],  // not a GB ID
            // a refused scheme
            ["camera", "add", "33019900001320009902", "--name", "x", "--url", "ftp://admin:\(secret)@10.9.8.7/x"],
            ["camera", "update", id, "--url", "rtsp://admin:\(secret)@"],  // no host
            ["probe", url, "--open-timeout", "1"],  // unreachable
        ] {
            try run(arguments, expectSuccess: false)
        }
        for transcript in transcripts {
            #expect(!transcript.contains(secret), "leaked in: \(transcript.prefix(300))")
        }
        #expect(transcripts.joined().contains("***@10.9.8.7"), "the redacted form should be what is shown")
        for file in try FileManager.default.contentsOfDirectory(atPath: directory + "/export") {
            #expect(
                !(try String(contentsOfFile: directory + "/export/" + file, encoding: .utf8)).contains(secret), "export \(file)")
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: directory + "/data")
        where file.hasPrefix("registry.sqlite") {
            let bytes = FileManager.default.contents(atPath: directory + "/data/" + file) ?? Data()
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "stored in the clear in \(file)")
        }
    }

    @Test("a rejected import prints one summary line, then every problem with file, line and column; exit 65")
    func rejectedImport() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/input"
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        try """
        id,name,main_url,longitude,latitude
        33019900001320000001,ok,rtsp://127.0.0.1/1,120.11,30.25
        1234,short id,rtsp://127.0.0.1/2,120.11,30.25
        33019900001320000003,far,rtsp://127.0.0.1/3,120.11,95

        """.write(toFile: input + "/cameras.csv", atomically: true, encoding: .utf8)
        let result = try SkygateBinary.run(["registry", "import", input, "--data-dir", directory + "/data"])
        #expect(result.status == 65)
        let lines = result.standardError.split(separator: "\n").map(String.init)
        #expect(lines.first == "skygate: import rejected: 2 problems, nothing was written")
        let places = lines.dropFirst().map { line -> String in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return String(trimmed.prefix { $0 != " " })
        }
        #expect(places == ["cameras.csv:3", "cameras.csv:4"])
        #expect(lines[1].contains("[id]") && lines[2].contains("[longitude]") && lines[2].contains("latitude 95"))
        let listed = try SkygateBinary.run(["camera", "list", "--data-dir", directory + "/data", "--csv"])
        #expect(listed.standardOutput.split(separator: "\n").count == 1, "nothing may have been imported")
    }

    @Test("import, list with filters, show and export through the CLI")
    func workflow() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = ["--data-dir", directory + "/data"]
        #expect(try SkygateBinary.run(["registry", "import", Self.demo, "--dry-run"] + data).standardOutput.contains("dry run"))
        #expect(try SkygateBinary.run(["camera", "list", "--csv"] + data).standardOutput.split(separator: "\n").count == 1)
        let imported = try SkygateBinary.run(["registry", "import", Self.demo] + data)
        #expect(imported.status == 0 && imported.standardOutput.contains("grids: 22 added"))
        let street = try SkygateBinary.run(["camera", "list", "--grid", "YX-S2", "--csv"] + data).standardOutput
        let rows = street.split(separator: "\n").dropFirst()
        #expect(!rows.isEmpty && rows.allSatisfy { $0.split(separator: ",")[3].hasPrefix("YX-S2") })
        let show = try SkygateBinary.run(["camera", "show", "33019900001320000005"] + data).standardOutput
        #expect(show.contains("type 132 IP camera") && show.contains("Zhejiang") && show.contains("converted from GCJ-02"))
        #expect(show.contains("云溪区 Yunxi District [YX, district] ›"))
        let near = try SkygateBinary.run(["location", "near", "120.118", "30.2525", "--json"] + data)
        #expect(near.standardOutput.contains("\"id\" : \"KL-SCH-1\""))
        #expect(try SkygateBinary.run(["camera", "disable", "33019900001320000001"] + data).status == 0)
        #expect(
            try SkygateBinary.run(["camera", "list", "--mode", "off", "--csv"] + data).standardOutput.contains(
                "33019900001320000001"))
        #expect(try SkygateBinary.run(["camera", "remove", "33019900001320000001"] + data).status == 0)
        #expect(try SkygateBinary.run(["camera", "show", "33019900001320000001"] + data).status == 66)
    }

    /// Issue 13, item 10: data files were created 0644 in a 0755 data directory.
    @Test("files the CLI creates are its user's only: a 0700 data directory, 0600 databases and key")
    func dataFilesArePrivate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-perm-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try SkygateBinary.run([
            "camera", "add", "33019900001320000001", "--name", "gate", "--url", "rtsp://10.0.0.1/ch1", "--data-dir",
            directory + "/data",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        func mode(_ path: String) throws -> Int? {
            try FileManager.default.attributesOfItem(atPath: directory + "/data" + path)[.posixPermissions] as? Int
        }
        #expect(try mode("") == 0o700)
        #expect(try mode("/registry.sqlite") == 0o600)
        #expect(try mode("/secrets/registry.key") == 0o600)
    }

    /// Issue 16, item 1: a camera is recorded, patrolled or off, set per camera and per grid.
    @Test("modes through the CLI: set per camera and per grid, listed and shown, a bad one named, each change audited")
    func modes() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = ["--data-dir", directory + "/data"]
        #expect(try SkygateBinary.run(["registry", "import", Self.demo] + data).status == 0)
        let inStreet = try SkygateBinary.run(["camera", "list", "--grid", "YX-S2", "--csv"] + data).standardOutput
            .split(separator: "\n").dropFirst().count
        let grid = try SkygateBinary.run(["grid", "set-mode", "YX-S2", "patrol"] + data)
        #expect(grid.status == 0 && grid.standardOutput.contains("grid YX-S2: \(inStreet) cameras set to patrol"))
        let patrolled = try SkygateBinary.run(["camera", "list", "--mode", "patrol", "--csv"] + data).standardOutput
            .split(separator: "\n").dropFirst()
        #expect(patrolled.count == inStreet && patrolled.allSatisfy { $0.split(separator: ",")[2] == "patrol" })
        #expect(try SkygateBinary.run(["grid", "show", "YX-S2"] + data).standardOutput.contains("(\(inStreet) patrol)"))

        let id = "33019900001320000001"
        #expect(try SkygateBinary.run(["camera", "set-mode", id, "Patrol"] + data).standardOutput == "\(id): patrol\n")
        #expect(try SkygateBinary.run(["camera", "show", id] + data).standardOutput.contains("mode        patrol"))
        #expect(try SkygateBinary.run(["camera", "enable", id] + data).standardOutput == "\(id): record\n")
        let bad = try SkygateBinary.run(["camera", "set-mode", id, "recording"] + data)
        #expect(bad.status == 64 && bad.standardError.contains("'recording' is not a camera mode: give record, patrol or off"))
        let unknown = try SkygateBinary.run(["grid", "set-mode", "NOWHERE", "off"] + data)
        #expect(unknown.status == 66 && unknown.standardError.contains("no grid NOWHERE"))

        let trail = try SkygateBinary.run(["audit", "list"] + data).standardOutput
        #expect(trail.contains("grid.mode") && trail.contains("patrol: \(inStreet) cameras"))
        #expect(trail.components(separatedBy: "camera.mode").count - 1 == 2, "two camera changes, two audit rows:\n\(trail)")
    }

    /// Issue 13, item 10: the CLI's registry changes, clips and exports left no audit row (the API's did).
    @Test("registry changes and exports through the CLI are audited like the API's")
    func commandsAreAudited() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-audit-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = ["--data-dir", directory + "/data"]
        let id = "33019900001320000001"
        for arguments in [
            ["camera", "add", id, "--name", "gate", "--url", "rtsp://10.0.0.1/ch1"], ["camera", "disable", id],
            ["camera", "update", id, "--url", "rtsp://10.0.0.1/ch2"],
            ["sensor", "add", "33019900001340000001", "--name", "door", "--kind", "door", "--camera", id],
            ["camera", "remove", id],
        ] {
            let result = try SkygateBinary.run(arguments + data)
            #expect(result.status == 0, "\(arguments): \(result.standardError)")
        }
        let trail = try SkygateBinary.run(["audit", "list"] + data).standardOutput
        for action in ["camera.add", "camera.mode", "camera.update", "sensor.save", "camera.remove"] {
            #expect(trail.contains(action), "\(action) is not in the audit trail:\n\(trail)")
        }
        #expect(trail.contains("cli:"))
    }
}
