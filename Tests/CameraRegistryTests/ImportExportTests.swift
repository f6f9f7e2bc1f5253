import CameraRegistry
import Foundation
import Geo
import Testing

@Suite("Import and export")
struct ImportExportTests {
    static func bytes(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

    @Test("export → import → export reproduces the demo registry byte for byte")
    func roundTrip() throws {
        let (first, second, exportA, exportB) = (
            try scratchDirectory(), try scratchDirectory(), try scratchDirectory(), try scratchDirectory()
        )
        defer { for directory in [first, second, exportA, exportB] { try? FileManager.default.removeItem(atPath: directory) } }
        let registry = try openRegistry(first)
        _ = try registry.importDirectory(demoDirectory)
        let summary = try registry.exportDirectory(exportA)
        #expect(summary == ExportSummary(grids: 22, keyLocations: 9, cameras: demoCameraCount, sensors: 12))
        let copy = try openRegistry(second)
        _ = try copy.importDirectory(exportA)
        _ = try copy.exportDirectory(exportB)
        for file in [RegistryFiles.cameras, RegistryFiles.sensors, RegistryFiles.grids, RegistryFiles.keyLocations] {
            #expect(Self.bytes(exportA + "/" + file) == Self.bytes(exportB + "/" + file), "\(file) differs")
        }
        #expect(try copy.cameras() == registry.cameras())
        #expect(try copy.sensors() == registry.sensors())
        #expect(try copy.grids() == registry.grids())
        #expect(try copy.keyLocations() == registry.keyLocations())
        // The two cameras given in GCJ-02 were converted, flagged, and stay flagged through the round trip.
        #expect(try copy.cameras().filter(\.camera.convertedFromGCJ02).count == 2)
    }

    @Test("every invalid row and feature is reported with file, line or feature, and column; nothing is written")
    func reportsEveryProblem() throws {
        let cameras = """
            id,name,main_url,longitude,latitude,datum,enabled
            33019900001320000001,good,rtsp://127.0.0.1/1,120.11,30.25,wgs84,true
            3301990000132000000X,bad id,rtsp://127.0.0.1/2,120.11,30.25,wgs84,true
            33019900001320000003,bad latitude,rtsp://127.0.0.1/3,120.11,95,wgs84,true
            33019900001320000004,too few fields,rtsp://127.0.0.1/4
            33019900001320000005,bad datum,rtsp://127.0.0.1/5,120.11,30.25,bd09,true
            33019900001320000001,duplicate,rtsp://127.0.0.1/6,120.11,30.25,wgs84,true
            33019900001320000007,file url,file:/etc/passwd,120.11,30.25,wgs84,true
            33019900001320000008,"bad "quoting,rtsp://127.0.0.1/8,120.11,30.25,wgs84,true
            33019900001320000009,bad flag,rtsp://127.0.0.1/9,120.11,30.25,wgs84,maybe

            """
        let directory = try demoCopy(replacing: RegistryFiles.cameras, with: cameras)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let grids = try String(contentsOfFile: directory + "/" + RegistryFiles.grids, encoding: .utf8)
            .replacingOccurrences(of: "\"parent\": \"YX-S2\"", with: "\"parent\": \"NOWHERE\"")
        try grids.write(toFile: directory + "/" + RegistryFiles.grids, atomically: true, encoding: .utf8)

        let data = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let registry = try openRegistry(data)
        let before = Self.bytes(data + "/registry.sqlite")
        do {
            _ = try registry.importDirectory(directory)
            Issue.record("the import was accepted")
        } catch let error as RegistryError {
            #expect(error.code == .importRejected)
            let lines = Set(error.problems.filter { $0.file == RegistryFiles.cameras }.compactMap(\.line))
            #expect(lines == [3, 4, 5, 6, 7, 8, 9, 10], "\(error.problems)")
            let byLine = Dictionary(grouping: error.problems.filter { $0.file == RegistryFiles.cameras }, by: { $0.line ?? 0 })
            #expect(byLine[3]?.first?.column == "id")
            #expect(byLine[4]?.first?.column == "longitude" && byLine[4]?.first?.reason.contains("latitude 95") == true)
            #expect(byLine[5]?.first?.reason == "has 3 fields, the header has 7")
            #expect(byLine[6]?.first?.column == "datum")
            #expect(byLine[7]?.first?.reason.contains("first on line 2") == true)
            #expect(byLine[8]?.first?.column == "main_url")
            #expect(byLine[9]?.first?.reason.contains("quoting") == true)
            #expect(byLine[10]?.first?.column == "enabled")
            #expect(
                error.problems.contains {
                    $0.file == RegistryFiles.grids && $0.column == "parent" && $0.reason.contains("NOWHERE")
                })
        }
        #expect(Self.bytes(data + "/registry.sqlite") == before)
        #expect(try registry.cameras().isEmpty)
    }

    @Test("a dry run validates and counts, and writes nothing")
    func dryRun() throws {
        let data = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let registry = try openRegistry(data)
        let summary = try registry.importDirectory(demoDirectory, dryRun: true)
        #expect(summary.dryRun && summary.cameras.added == demoCameraCount)
        #expect(try registry.cameras().isEmpty && registry.grids().isEmpty)
    }

    @Test("credentials are stored encrypted, never exported, and kept when an export is re-imported")
    func credentialsStayInside() throws {
        let data = try scratchDirectory()
        let export = try scratchDirectory()
        defer { for directory in [data, export] { try? FileManager.default.removeItem(atPath: directory) } }
        let registry = try openRegistry(data)
        _ = try registry.importDirectory(demoDirectory)
        var camera = try #require(try registry.cameras().first).camera
        camera.mainStream = try StreamEndpoint(parsing: "rtsp://admin:Tr0ub4dor%26x@10.1.2.3/ch1")
        try registry.updateCamera(camera)
        #expect(try registry.camera(id: camera.id.rawValue)?.camera.mainStream.password == "Tr0ub4dor&x")
        let attributes = try FileManager.default.attributesOfItem(atPath: data + "/secrets/registry.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        _ = try registry.exportDirectory(export)
        for file in try FileManager.default.contentsOfDirectory(atPath: export) {
            let text = String(decoding: Self.bytes(export + "/" + file), as: UTF8.self)
            #expect(!text.contains("Tr0ub4dor") && !text.contains("admin"), "\(file)")
        }
        for file in ["registry.sqlite", "registry.sqlite-wal"] {
            let stored = Self.bytes(data + "/" + file)
            #expect(stored.range(of: Data("Tr0ub4dor".utf8)) == nil, "\(file) holds the password in the clear")
        }
        _ = try registry.importDirectory(export)
        #expect(try registry.camera(id: camera.id.rawValue)?.camera.mainStream.password == "Tr0ub4dor&x")
    }

    /// Issue 13, item 10: a camera named `=HYPERLINK(…)` ran as a formula in the spreadsheet that opened the export.
    @Test("cells a spreadsheet would run as formulas are exported with a leading quote and imported back as they were")
    func formulasAreNeutralised() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let registry = try openRegistry(directory)
        let names = ["=HYPERLINK(\"http://x\",\"y\")", "@SUM(1+1)", "+cmd", "-gate", "-12.5 m"]
        for (number, name) in names.enumerated() {
            try registry.addCamera(
                Camera(
                    id: try DeviceID("3301990000132000000\(number)"), name: name,
                    mainStream: try registry.streamEndpoint("rtsp://10.0.0.\(number + 1)/ch1"), location: nil))
        }
        let export = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: export) }
        _ = try registry.exportDirectory(export)
        let cells = try String(contentsOfFile: export + "/" + RegistryFiles.cameras, encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", maxSplits: 2)[1] }
        for cell in cells {
            let text = cell.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            #expect(text.hasPrefix("'"), "a cell a spreadsheet would run: \(cell)")
        }
        #expect(CSVRecords.line(["-73.9", "12"]) == "-73.9,12", "numbers are not formulas")
        let again = try openRegistry(try scratchDirectory())
        _ = try again.importDirectory(export)
        #expect(try again.cameras().map(\.camera.name).sorted() == names.sorted())
    }

    /// Issue 13, item 11: a camera's RTSP transport is pinned in the import files (and shown, exported and taken back).
    @Test("rtsp_transport: auto or empty leaves it automatic, a transport pins it, anything else names its line and column")
    func rtspTransports() throws {
        let cameras = """
            id,name,main_url,rtsp_transport
            33019900001320000001,auto,rtsp://127.0.0.1/1,auto
            33019900001320000002,empty,rtsp://127.0.0.1/2,
            33019900001320000003,old encoder,rtsp://127.0.0.1/3,udp
            33019900001320000004,tunnel,rtsp://127.0.0.1/4,http

            """
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try cameras.write(toFile: directory + "/" + RegistryFiles.cameras, atomically: true, encoding: .utf8)
        let registry = try openRegistry(try scratchDirectory())
        _ = try registry.importDirectory(directory)
        let pinned = Dictionary(uniqueKeysWithValues: try registry.cameras().map { ($0.camera.name, $0.camera.rtspTransport) })
        #expect(pinned == ["auto": nil, "empty": nil, "old encoder": .udp, "tunnel": .http])
        #expect(try registry.cameras().map(CameraView.init).first { $0.name == "old encoder" }?.rtspTransport == .udp)

        let export = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: export) }
        _ = try registry.exportDirectory(export)
        let again = try openRegistry(try scratchDirectory())
        _ = try again.importDirectory(export)
        #expect(
            try again.cameras().map(\.camera.rtspTransport).sorted { ($0?.rawValue ?? "") < ($1?.rawValue ?? "") } == [
                nil, nil, .http, .udp,
            ])

        try (cameras + "33019900001320000005,typo,rtsp://127.0.0.1/5,tcp+udp\n").write(
            toFile: directory + "/" + RegistryFiles.cameras, atomically: true, encoding: .utf8)
        do {
            _ = try registry.importDirectory(directory)
            Issue.record("an unknown transport was accepted")
        } catch let error as RegistryError {
            let problem = error.problems.first
            #expect(problem?.line == 6 && problem?.column == "rtsp_transport", "\(error.problems)")
            #expect(problem?.reason.contains("auto, tcp, udp, udp_multicast, http") == true, "\(error.problems)")
        }
    }
}
