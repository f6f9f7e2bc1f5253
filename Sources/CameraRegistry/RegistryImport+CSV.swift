import Foundation
import Geo

/// Reading `cameras.csv` and `sensors.csv` for an import: every problem named by file, line and column.
extension Registry {

    /// Maps a CSV file's header to column positions, reporting unknown and missing columns.
    func columns(
        _ records: [CSVRecord], file: String, allowed: [String], required: [String], problems: inout [ImportProblem]
    ) -> [String: Int]? {
        guard let header = records.first else {
            problems.append(ImportProblem(file: file, line: 1, reason: "the file has no header line"))
            return nil
        }
        var positions: [String: Int] = [:]
        for (index, name) in header.fields.enumerated() {
            let column = name.trimmingCharacters(in: .whitespaces)
            if !allowed.contains(column) {
                problems.append(
                    ImportProblem(
                        file: file, line: header.line, column: column,
                        reason: "unknown column (expected \(allowed.joined(separator: ", ")))"))
            } else if positions[column] != nil {
                problems.append(ImportProblem(file: file, line: header.line, column: column, reason: "column appears twice"))
            } else {
                positions[column] = index
            }
        }
        for column in required where positions[column] == nil {
            problems.append(ImportProblem(file: file, line: header.line, column: column, reason: "required column is missing"))
        }
        return required.allSatisfy { positions[$0] != nil } ? positions : nil
    }

    /// Reads the rows of a CSV file through `parse`, reporting wrong field counts, duplicate IDs and every
    /// problem `parse` throws, with the row's line.
    func rows<T>(
        _ data: Data, file: String, allowed: [String], required: [String], problems: inout [ImportProblem],
        id: (T) -> String, parse: (_ field: (String) -> String, _ report: (String, String) -> Void) throws -> T?
    ) -> [T] {
        let (records, readProblems) = CSVRecords.read(data, file: file)
        problems += readProblems
        guard let positions = columns(records, file: file, allowed: allowed, required: required, problems: &problems) else {
            return []
        }
        let width = records[0].fields.count
        var parsed: [T] = []
        var firstLine: [String: Int] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == width else {
                problems.append(
                    ImportProblem(
                        file: file, line: record.line, reason: "has \(record.fields.count) fields, the header has \(width)"))
                continue
            }
            var rowProblems: [ImportProblem] = []
            let field = { (name: String) in positions[name].map { record.fields[$0] } ?? "" }
            let report = { (column: String, reason: String) in
                rowProblems.append(ImportProblem(file: file, line: record.line, column: column, reason: reason))
            }
            do {
                if let value = try parse(field, report), rowProblems.isEmpty {
                    if let first = firstLine[id(value)] {
                        report("id", "duplicate ID '\(id(value))', first on line \(first)")
                    } else {
                        firstLine[id(value)] = record.line
                        parsed.append(value)
                    }
                }
            } catch {
                report("", "\(error)")
            }
            problems += rowProblems
        }
        return parsed
    }

    func parseCameras(_ data: Data, problems: inout [ImportProblem]) -> [Camera] {
        rows(
            data, file: RegistryFiles.cameras, allowed: RegistryFiles.cameraColumns + RegistryFiles.legacyCameraColumns,
            required: ["id", "name", "main_url"],
            problems: &problems,
            id: { $0.id.rawValue }
        ) { field, report in
            let id = checked("id", report) { try DeviceID(field("id"), lenient: lenientIDs) }
            let name = field("name")
            checked("name", report) { try validateText(name, field: "name") }
            let main = checked("main_url", report) { try endpoint(field("main_url")) }
            let sub = field("sub_url").isEmpty ? nil : checked("sub_url", report) { try endpoint(field("sub_url")) }
            let (location, converted) = position(field, report)
            let mode = cameraMode(field, report)
            let retention =
                field("retention_days").isEmpty
                ? 30 : checked("retention_days", report) { try days(field("retention_days")) } ?? 30
            let transport = checked("rtsp_transport", report) { try RTSPTransport.setting(field("rtsp_transport")) } ?? nil
            let tags = field("tags").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for (column, value) in [("vendor", field("vendor")), ("model", field("model")), ("purpose", field("purpose"))] {
                checked(column, report) { try validateText(value, field: column, required: false) }
            }
            for tag in tags { checked("tags", report) { try validateText(tag, field: "tag") } }
            guard let id, let main else { return nil }
            let camera = Camera(
                id: id, name: name, mainStream: main, subStream: sub, location: location, convertedFromGCJ02: converted,
                vendor: field("vendor"), model: field("model"), mode: mode, tags: tags, purpose: field("purpose"),
                retentionDays: retention, rtspTransport: transport)
            checked("", report) { try validate(camera) }
            return camera
        }
    }

    func parseSensors(_ data: Data, knownCameras: Set<String>, problems: inout [ImportProblem]) -> [Sensor] {
        rows(
            data, file: RegistryFiles.sensors, allowed: RegistryFiles.sensorColumns, required: ["id", "name", "kind"],
            problems: &problems,
            id: { $0.id.rawValue }
        ) { field, report in
            let id = checked("id", report) { try DeviceID(field("id"), lenient: lenientIDs) }
            let name = field("name")
            checked("name", report) { try validateText(name, field: "name") }
            let kind = SensorKind(rawValue: field("kind"))
            if kind == nil {
                report(
                    "kind",
                    "'\(field("kind").prefix(40))' is not one of \(SensorKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let (location, converted) = position(field, report)
            var camera: DeviceID? = nil
            if !field("camera_id").isEmpty {
                camera = checked("camera_id", report) { try DeviceID(field("camera_id"), lenient: true) }
                if let camera, !knownCameras.contains(camera.rawValue) {
                    report("camera_id", "camera \(camera) is not registered")
                }
            }
            if location == nil && camera == nil && field("longitude").isEmpty {
                report("longitude", "a sensor needs a position or a camera_id")
            }
            guard let id, let kind else { return nil }
            return Sensor(id: id, name: name, kind: kind, location: location, convertedFromGCJ02: converted, cameraID: camera)
        }
    }

    func endpoint(_ text: String) throws -> StreamEndpoint { try streamEndpoint(text) }

    /// Longitude, latitude and datum: both coordinates or neither; GCJ-02 converted to WGS-84 and flagged.
    func position(_ field: (String) -> String, _ report: (String, String) -> Void) -> (Coordinate?, Bool) {
        let (longitudeText, latitudeText, datum) = (field("longitude"), field("latitude"), field("datum").lowercased())
        if longitudeText.isEmpty && latitudeText.isEmpty { return (nil, false) }
        guard let longitude = Double(longitudeText), longitude.isFinite else {
            report("longitude", "'\(longitudeText.prefix(40))' is not a number")
            return (nil, false)
        }
        guard let latitude = Double(latitudeText), latitude.isFinite else {
            report("latitude", "'\(latitudeText.prefix(40))' is not a number")
            return (nil, false)
        }
        guard let point = checked("longitude", report, { try Coordinate(longitude: longitude, latitude: latitude) }) else {
            return (nil, false)
        }
        switch datum {
        case "", "wgs84": return (point, false)
        case "wgs84-from-gcj02": return (point, true)
        case "gcj02": return (GCJ02.toWGS84(point), true)
        default:
            report("datum", "'\(datum.prefix(40))' is not wgs84, gcj02 or wgs84-from-gcj02")
            return (nil, false)
        }
    }

    /// A row's mode: its `mode` column, else its legacy `enabled` column (true: record, false: off), else `record`.
    private func cameraMode(_ field: (String) -> String, _ report: (String, String) -> Void) -> CameraMode {
        let (modeText, enabledText) = (field("mode"), field("enabled"))
        if !modeText.isEmpty {
            if !enabledText.isEmpty { report("enabled", "give mode or enabled (its older form), not both") }
            guard let mode = CameraMode(text: modeText) else {
                report("mode", "'\(modeText.prefix(40))' is not a camera mode (\(CameraMode.spelled))")
                return .record
            }
            return mode
        }
        guard !enabledText.isEmpty else { return .record }
        return checked("enabled", report) { try flag(enabledText) ? CameraMode.record : .off } ?? .record
    }

    func flag(_ text: String) throws -> Bool {
        switch text.lowercased() {
        case "", "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw RegistryError(.invalid, "'\(text.prefix(40))' is not true or false")
        }
    }

    func days(_ text: String) throws -> Int {
        guard let value = Int(text), (1...3650).contains(value) else {
            throw RegistryError(.invalid, "'\(text.prefix(40))' is not a whole number of days from 1 to 3650")
        }
        return value
    }

}
