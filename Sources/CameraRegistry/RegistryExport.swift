import Foundation
import Geo
import Redaction

/// What an export wrote.
public struct ExportSummary: Sendable, Codable, Equatable {
    public var grids: Int
    public var keyLocations: Int
    public var cameras: Int
    public var sensors: Int

    public init(grids: Int, keyLocations: Int, cameras: Int, sensors: Int) {
        self.grids = grids
        self.keyLocations = keyLocations
        self.cameras = cameras
        self.sensors = sensors
    }
}

extension Registry {
    /// Writes the registry to `directory` in the import format: rows sorted by ID (grids by level, then ID), stream
    /// URLs without credentials or other secrets (`URLRedaction`: they never leave the registry; re-importing an
    /// export keeps the stored ones), and
    /// positions in WGS-84 with `datum` saying whether they were converted from GCJ-02.
    public func exportDirectory(_ directory: String) throws -> ExportSummary {
        let grids = try self.grids()
        let locations = try keyLocations()
        let cameras = try self.cameras()
        let sensors = try self.sensors()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try write(
                try GeoJSON.write(
                    grids.map { grid in
                        var properties: [String: JSONValue] = ["name": .string(grid.name), "level": .string(grid.level.rawValue)]
                        if let parent = grid.parentID { properties["parent"] = .string(parent) }
                        return (id: grid.id, properties: properties, geometry: .area(grid.area))
                    }), to: directory, RegistryFiles.grids)
            try write(
                try GeoJSON.write(
                    locations.map { location in
                        (
                            id: location.id,
                            properties: [
                                "name": .string(location.name), "category": .string(location.category.rawValue),
                                "radius_m": .number(location.alertRadius),
                            ],
                            geometry: location.geometry
                        )
                    }), to: directory, RegistryFiles.keyLocations)
            let cameraLines = cameras.map(\.camera).map { camera in
                CSVRecords.line(
                    [
                        camera.id.rawValue, camera.name, URLRedaction.redacting(camera.mainStream.url),
                        camera.subStream.map { URLRedaction.redacting($0.url) } ?? "",
                    ]
                        + Registry.position(camera.location, converted: camera.convertedFromGCJ02)
                        + [
                            camera.vendor, camera.model, camera.mode.rawValue, camera.tags.joined(separator: ";"),
                            camera.purpose,
                            String(camera.retentionDays), camera.rtspTransport?.rawValue ?? "auto",
                        ])
            }
            try write(
                Data(([CSVRecords.line(RegistryFiles.cameraColumns)] + cameraLines).map { $0 + "\n" }.joined().utf8),
                to: directory, RegistryFiles.cameras)
            let sensorLines = sensors.map(\.sensor).map { sensor in
                CSVRecords.line(
                    [sensor.id.rawValue, sensor.name, sensor.kind.rawValue]
                        + Registry.position(sensor.location, converted: sensor.convertedFromGCJ02)
                        + [sensor.cameraID?.rawValue ?? ""])
            }
            try write(
                Data(([CSVRecords.line(RegistryFiles.sensorColumns)] + sensorLines).map { $0 + "\n" }.joined().utf8),
                to: directory, RegistryFiles.sensors)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.storeFailed, "cannot export to '\(directory)': \(error.localizedDescription)")
        }
        return ExportSummary(grids: grids.count, keyLocations: locations.count, cameras: cameras.count, sensors: sensors.count)
    }

    private static func position(_ location: Coordinate?, converted: Bool) -> [String] {
        guard let location else { return ["", "", ""] }
        return [String(location.longitude), String(location.latitude), converted ? "wgs84-from-gcj02" : "wgs84"]
    }

    /// Writes through a temporary file and a rename, so a reader never sees half a file.
    private func write(_ data: Data, to directory: String, _ name: String) throws {
        let path = (directory as NSString).appendingPathComponent(name)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
