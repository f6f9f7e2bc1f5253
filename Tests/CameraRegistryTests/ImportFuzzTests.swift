import CameraRegistry
import Foundation
import TestSupport
import Testing

/// Feeds the importers thousands of inputs made invalid in every way the issue lists, and checks that each is
/// rejected without a crash, that every problem names its file and its line or feature, and that the database is
/// unchanged byte for byte.
@Suite("Import fuzzing")
struct ImportFuzzTests {
    static func demoFile(_ name: String) -> Data { FileManager.default.contents(atPath: demoDirectory + "/" + name)! }

    /// A CSV file with one row made invalid; returns the file and a description of the mutation.
    static func mutateCSV(_ data: Data, file: String, _ random: inout SplitMix) -> (Data, String) {
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        if lines.last == "" { lines.removeLast() }
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let row = 1 + random.below(lines.count - 1)
        var fields = lines[row].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        var kind = random.below(file == RegistryFiles.cameras ? 10 : 8)
        var raw: Data? = nil
        switch kind {
        case 0:  // wrong column count
            if random.below(2) == 0 {
                fields.removeLast(1 + random.below(fields.count - 1))
            } else {
                fields += Array(repeating: "x", count: 1 + random.below(3))
            }
        case 1:  // bad quoting: a quote inside an unquoted field, or an opening quote never closed
            let target = random.below(fields.count)
            if random.below(2) == 0 {
                fields[target] = "a\"" + fields[target] + "b"
            } else {
                fields[target] = "\"" + fields[target]
            }
        case 2:  // invalid UTF-8 in the middle of the row
            raw = Data(lines[row].utf8.prefix(10)) + Data([0xFF, 0xFE, 0xC3]) + Data(lines[row].utf8.dropFirst(10))
        case 3:  // a huge field
            fields[random.below(fields.count)] = String(
                repeating: random.pick(["x", "中", "9"]), count: 2_001 + random.below(20_000))
        case 4:  // NaN, infinite or out-of-range coordinates
            let target = column(random.pick(["longitude", "latitude"]))
            fields[target] = random.pick(["nan", "NaN", "inf", "-inf", "1e400", "200", "-181", "181", "abc", "12,5"])
            if fields[target] == "12,5" { fields[target] = "\"12,5\"" }
            if fields[column("longitude")].isEmpty || fields[column("latitude")].isEmpty {
                fields[column("longitude")] = "300"
                fields[column("latitude")] = "30"
            }
        case 5:  // a duplicate ID
            lines.insert(lines[row], at: 1 + random.below(lines.count - 1))
            kind = 5
        case 6:  // a malformed GB/T 28181 ID
            var id = Array(fields[0])
            switch random.below(4) {
            case 0: id[random.below(20)] = random.pick(["A", "x", "-", " "])
            case 1: id.removeLast(1 + random.below(5))
            case 2: id[0] = "9"; id[1] = "9"
            default: id[10] = "9"; id[11] = "9"; id[12] = "9"
            }
            fields[0] = String(id)
        case 7:  // an unknown enumeration value
            if file == RegistryFiles.cameras {
                fields[column("mode")] = random.pick(["maybe", "2", "on?", "recording"])
            } else {
                fields[column("kind")] = random.pick(["fire", "", "SMOKE", "water level"])
            }
        case 8:  // a refused or malformed stream URL
            fields[column("main_url")] = random.pick([
                "file:/etc/passwd", "concat:/a|/b", "subfile:,start,0,end,1,:/etc/passwd", "data:text/plain,x", "pipe:0",
                "ftp://cam/x",
                "not a url", "",
            ])
        default:  // a bad retention
            fields[column("retention_days")] = random.pick(["0", "-1", "3651", "thirty", "1.5"])
        }
        if kind != 5 {
            if let raw {
                var data = Data()
                for (index, line) in lines.enumerated() { data += (index == row ? raw : Data(line.utf8)) + Data("\n".utf8) }
                return (data, "utf8")
            }
            lines[row] = fields.joined(separator: ",")
        }
        return (Data((lines.joined(separator: "\n") + "\n").utf8), "mutation \(kind) of line \(row + 1)")
    }

    /// A GeoJSON file with one feature made invalid.
    static func mutateGeoJSON(_ data: Data, file: String, _ random: inout SplitMix) -> (Data, String) {
        var document = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        var features = document["features"] as! [[String: Any]]
        let index = random.below(features.count)
        var feature = features[index]
        var geometry = feature["geometry"] as! [String: Any]
        var properties = feature["properties"] as! [String: Any]
        let kind = random.below(9)
        func firstRing(_ transform: ([[Double]]) -> [[Double]]) {
            if geometry["type"] as? String == "Point" {
                geometry = ["type": "Polygon", "coordinates": [transform([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]])]]
            } else if geometry["type"] as? String == "Polygon" {
                var rings = geometry["coordinates"] as! [[[Double]]]
                rings[0] = transform(rings[0])
                geometry["coordinates"] = rings
            } else {
                var polygons = geometry["coordinates"] as! [[[[Double]]]]
                polygons[0][0] = transform(polygons[0][0])
                geometry["coordinates"] = polygons
            }
        }
        switch kind {
        case 0: firstRing { Array($0.dropLast()) }  // unclosed
        case 1: firstRing { ring in [ring[0], ring[2], ring[1], ring[3], ring[0]] }  // self-crossing
        case 2:
            firstRing { ring in
                var ring = ring; ring[1][1] = random.pick([95, -91, 1e300]); return ring
            }  // out of range
        case 3: features.append(features[index])  // duplicate id
        case 4:
            geometry = ["type": random.pick(["LineString", "GeometryCollection", "Circle"]), "coordinates": [[0, 0], [1, 1]]]
        case 5:  // properties that do not fit
            if file == RegistryFiles.grids {
                if random.below(2) == 0 {
                    properties["parent"] = "NO-SUCH-GRID"
                } else {
                    properties["level"] = random.pick(["city", "", "GRID"])
                }
                if properties["level"] as? String == "district" { properties["level"] = "county" }
            } else {
                properties["radius_m"] = random.pick([-1, 100_001, "far"] as [Any])
            }
        case 6: properties["name"] = random.pick(["", "line\nbreak", String(repeating: "名", count: 201)])
        case 7: feature["id"] = random.pick(["has space", "", String(repeating: "x", count: 65), "semi;colon"])
        default:  // truncated or broken JSON
            let text = String(decoding: data, as: UTF8.self)
            let cut = text.utf8.count / 2 + random.below(text.utf8.count / 2 - 1)
            return (Data(text.utf8.prefix(cut)), "truncated at byte \(cut)")
        }
        if kind != 3 {
            feature["geometry"] = geometry
            feature["properties"] = properties
            features[index] = feature
        }
        document["features"] = features
        return (try! JSONSerialization.data(withJSONObject: document), "mutation \(kind) of feature \(index + 1)")
    }

    /// 2,500 inputs per file, four files: 10,000 in all, run in parallel.
    @Test(
        "10,000 malformed inputs: all rejected, each problem located, the database untouched",
        arguments: [RegistryFiles.cameras, RegistryFiles.sensors, RegistryFiles.grids, RegistryFiles.keyLocations])
    func fuzz(_ file: String) throws {
        let data = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let registry = try openRegistry(data)
        _ = try registry.importDirectory(demoDirectory)
        let original = Self.demoFile(file)
        func snapshot() -> [Data] {
            ["registry.sqlite", "registry.sqlite-wal"].map { FileManager.default.contents(atPath: data + "/" + $0) ?? Data() }
        }
        let before = snapshot()
        var random = SplitMix(seed: 20_261_121 &+ UInt64(file.utf8.count))
        var rejected = 0
        for iteration in 0..<2_500 {
            let (input, mutation) =
                file.hasSuffix(".csv")
                ? Self.mutateCSV(original, file: file, &random) : Self.mutateGeoJSON(original, file: file, &random)
            do {
                _ = try registry.importFiles([file: input])
                Issue.record("iteration \(iteration): \(file) \(mutation) was accepted")
            } catch let error as RegistryError {
                rejected += 1
                #expect(error.code == .importRejected, "iteration \(iteration): \(error)")
                #expect(!error.problems.isEmpty)
                for problem in error.problems where !(problem.file == file && (problem.line != nil || problem.feature != nil)) {
                    Issue.record("iteration \(iteration) (\(mutation)): problem not located: \(problem)")
                }
            }
            if iteration % 500 == 499 { #expect(snapshot() == before, "database changed by iteration \(iteration)") }
        }
        #expect(rejected == 2_500)
        #expect(snapshot() == before)
        #expect(try registry.integrityCheck() == "ok")
    }
}
