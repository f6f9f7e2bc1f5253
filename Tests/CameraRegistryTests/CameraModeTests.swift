import Foundation
import GRDB
import Testing

@testable import CameraRegistry

@Suite("Camera modes")
struct CameraModeTests {
    static let header = "id,name,main_url,longitude,latitude,datum"

    /// Imports `cameras.csv` rows (after `header` plus `extraColumns`) into a fresh registry; the problems if refused.
    static func importing(_ extraColumns: String, _ rows: [String]) throws -> (Registry, [ImportProblem], String) {
        let data = try scratchDirectory()
        let registry = try openRegistry(data)
        let csv = ([header + extraColumns] + rows).joined(separator: "\n") + "\n"
        do {
            _ = try registry.importFiles([RegistryFiles.cameras: Data(csv.utf8)])
            return (registry, [], data)
        } catch let error as RegistryError {
            return (registry, error.problems, data)
        }
    }

    @Test("a registry written before modes keeps what 'enabled' said: enabled records, disabled is off")
    func migratesEnabled() throws {
        let data = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        // The schema as the previous release left it (v4), with one enabled and one disabled camera.
        let queue = try DatabaseQueue(path: data + "/registry.sqlite")
        try RegistrySchema.migrator.migrate(queue, upTo: "v4: GB/T 28181 device information")
        try queue.write { db in
            for (id, enabled) in [("33019900001320000001", 1), ("33019900001320000002", 0)] {
                try db.execute(
                    sql: """
                        INSERT INTO camera (id, name, main_url, from_gcj02, vendor, model, enabled, purpose, retention_days)
                        VALUES (?, 'c', 'rtsp://127.0.0.1/x', 0, '', '', ?, '', 30)
                        """,
                    arguments: [id, enabled])
            }
        }
        try queue.close()

        let registry = try openRegistry(data)
        #expect(try registry.cameraModes().map(\.mode) == [.record, .off])
        #expect(try registry.cameras(CameraFilter(modes: [.off])).map(\.camera.id.rawValue) == ["33019900001320000002"])
    }

    @Test("the mode column is read in any case; the older 'enabled' column still works; every bad row is named")
    func importsModes() throws {
        let (registry, problems, data) = try Self.importing(
            ",mode",
            [
                "33019900001320000001,a,rtsp://127.0.0.1/1,120.11,30.25,wgs84,patrol",
                "33019900001320000002,b,rtsp://127.0.0.1/2,120.11,30.25,wgs84, OFF ",
                "33019900001320000003,c,rtsp://127.0.0.1/3,120.11,30.25,wgs84,",
            ])
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(problems.isEmpty, "\(problems)")
        #expect(try registry.cameraModes().map(\.mode) == [.patrol, .off, .record])

        let (legacy, legacyProblems, legacyData) = try Self.importing(
            ",enabled",
            [
                "33019900001320000001,a,rtsp://127.0.0.1/1,120.11,30.25,wgs84,false",
                "33019900001320000002,b,rtsp://127.0.0.1/2,120.11,30.25,wgs84,true",
            ])
        defer { try? FileManager.default.removeItem(atPath: legacyData) }
        #expect(legacyProblems.isEmpty, "\(legacyProblems)")
        #expect(try legacy.cameraModes().map(\.mode) == [.off, .record])

        let (refused, refusedProblems, refusedData) = try Self.importing(
            ",mode,enabled",
            [
                "33019900001320000001,a,rtsp://127.0.0.1/1,120.11,30.25,wgs84,recording,",
                "33019900001320000002,b,rtsp://127.0.0.1/2,120.11,30.25,wgs84,patrol,true",
                "33019900001320000003,c,rtsp://127.0.0.1/3,120.11,30.25,wgs84,,maybe",
            ])
        defer { try? FileManager.default.removeItem(atPath: refusedData) }
        let byLine = Dictionary(grouping: refusedProblems, by: { $0.line ?? 0 })
        #expect(byLine[2]?.map(\.column) == ["mode"])
        #expect(byLine[2]?.first?.reason == "'recording' is not a camera mode (record, patrol or off)")
        #expect(byLine[3]?.map(\.column) == ["enabled"])
        #expect(byLine[4]?.map(\.column) == ["enabled"])
        #expect(try refused.cameras().isEmpty, "a refused import wrote cameras")
    }

    @Test("an export writes each camera's mode, and importing it gives the same modes")
    func exportsModes() throws {
        let (registry, problems, data) = try Self.importing(
            ",mode",
            [
                "33019900001320000001,a,rtsp://127.0.0.1/1,120.11,30.25,wgs84,patrol",
                "33019900001320000002,b,rtsp://127.0.0.1/2,120.11,30.25,wgs84,off",
            ])
        let (exported, copyData) = (try scratchDirectory(), try scratchDirectory())
        defer { for path in [data, exported, copyData] { try? FileManager.default.removeItem(atPath: path) } }
        #expect(problems.isEmpty)
        _ = try registry.exportDirectory(exported)
        let csv = try String(contentsOfFile: exported + "/" + RegistryFiles.cameras, encoding: .utf8)
        #expect(csv.split(separator: "\n").first?.split(separator: ",").contains("mode") == true)
        let copy = try openRegistry(copyData)
        _ = try copy.importDirectory(exported)
        #expect(try copy.cameraModes().map(\.mode) == [.patrol, .off])
    }

    @Test("a grid's mode reaches the cameras of the grids below it and no others, and counts only real changes")
    func gridMode() throws {
        let data = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let registry = try openRegistry(data)
        _ = try registry.importDirectory(demoDirectory)
        let all = try registry.cameras()
        let inStreet = Set(all.filter { $0.gridPath.contains { $0.id == "YX-S2" } }.map(\.camera.id.rawValue))
        #expect(!inStreet.isEmpty && inStreet.count < all.count)
        let alreadyPatrolled = all.filter { inStreet.contains($0.camera.id.rawValue) && $0.camera.mode == .patrol }.count

        var audited: Int?
        let changed = try registry.setMode(.patrol, gridID: "YX-S2") { audited = $0 }
        #expect(changed == inStreet.count - alreadyPatrolled && audited == changed)
        let patrolled = Set(try registry.cameras(CameraFilter(modes: [.patrol])).map(\.camera.id.rawValue))
        #expect(patrolled == inStreet)
        #expect(try registry.setMode(.patrol, gridID: "YX-S2") == 0, "a second, identical change counted cameras")

        #expect(throws: RegistryError.self) { try registry.setMode(.off, gridID: "NOWHERE") }
        #expect(throws: RegistryError.self) { try registry.setMode(.off, cameraID: "33019900009999999999") }
    }
}
