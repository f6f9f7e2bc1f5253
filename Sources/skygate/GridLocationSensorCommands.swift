import ArgumentParser
import CameraRegistry
import Geo

/// `skygate grid list|show|set-mode`.
struct GridCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid", abstract: "List and show management grids, and set the mode of their cameras.",
        subcommands: [List.self, Show.self, SetMode.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List grids, coarsest level first.")
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions
        func run() throws {
            try reportingFailures {
                let grids = try options.open().grids()
                try format.emit(
                    header: ["id", "name", "level", "parent", "polygons"],
                    rows: grids.map { [$0.id, $0.name, $0.level.rawValue, $0.parentID ?? "-", "\($0.area.polygons.count)"] },
                    json: grids.map(GridView.init))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a grid: its path, children, and the cameras in it or below it.")
        @Argument(help: "Grid ID.") var id: String
        @OptionGroup var options: RegistryOptions
        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                guard let grid = try registry.grid(id: id) else { throw RegistryError(.notFound, "no grid \(id)") }
                print("grid        \(grid.id)  \(grid.name) (\(grid.level.rawValue))")
                print("path        \(try registry.gridPath(to: id).pathText)")
                let children = try registry.grids().filter { $0.parentID == id }.map(\.id)
                print("children    \(children.isEmpty ? "none" : children.joined(separator: ", "))")
                let bounds = grid.area.bounds
                print(
                    "bounds      \(fixed(bounds.minLongitude, 6)),\(fixed(bounds.minLatitude, 6)) – \(fixed(bounds.maxLongitude, 6)),\(fixed(bounds.maxLatitude, 6)); \(grid.area.polygons.count) polygon(s)"
                )
                let cameras = try registry.cameras(CameraFilter(gridID: id))
                print("cameras     \(cameras.count)\(modeCounts(cameras.map(\.camera.mode)))")
                print("sensors     \(try registry.sensors(gridID: id).count)")
            }
        }
    }

    struct SetMode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the mode of every camera in a grid and in the grids below it: record, patrol or off.",
            discussion: """
                One change, audited once with the number of cameras it changed. Cameras added to the grid later keep \
                the mode they are given. A running gateway follows within a second.
                """)
        @Argument(help: "Grid ID.") var id: String
        @Argument(help: "record, patrol or off.", transform: parseCameraMode) var mode: CameraMode
        @OptionGroup var options: RegistryOptions
        func run() throws {
            try reportingFailures {
                let changed = try options.open().setMode(mode, gridID: id) { changed in
                    try auditCommand(options.location, "grid.mode", id, detail: "\(mode.rawValue): \(changed) cameras")
                }
                print("grid \(id): \(changed) camera\(changed == 1 ? "" : "s") set to \(mode.rawValue)")
            }
        }
    }
}

/// `skygate location list|near`.
struct LocationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "location", abstract: "List key locations, or find those near a point.", subcommands: [List.self, Near.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List key locations.")
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions
        func run() throws {
            try reportingFailures {
                let locations = try options.open().keyLocations()
                try format.emit(
                    header: ["id", "name", "category", "radius m"],
                    rows: locations.map { [$0.id, $0.name, $0.category.rawValue, fixed($0.alertRadius, 0)] },
                    json: locations.map { KeyLocationView($0) })
            }
        }
    }

    struct Near: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Key locations near a point: within --radius metres, or within each location's own alert radius.")
        @Argument(help: "Longitude.") var longitude: Double
        @Argument(help: "Latitude.") var latitude: Double
        @Option(help: "Search radius in metres (default: each location's alert radius).") var radius: Double?
        @Flag(help: "The point is in GCJ-02.") var gcj02 = false
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions
        func run() throws {
            try reportingFailures {
                var point = try Coordinate(longitude: longitude, latitude: latitude)
                if gcj02 { point = GCJ02.toWGS84(point) }
                let found = try options.open().keyLocations(near: point, radius: radius)
                try format.emit(
                    header: ["id", "name", "category", "distance m", "radius m"],
                    rows: found.map {
                        [
                            $0.location.id, $0.location.name, $0.location.category.rawValue, fixed($0.distance, 0),
                            fixed($0.location.alertRadius, 0),
                        ]
                    },
                    json: found.map { KeyLocationView($0.location, distance: $0.distance) })
            }
        }
    }
}

/// `skygate sensor list|show|add|remove`.
struct SensorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensor", abstract: "List, show, add and remove sensors.",
        subcommands: [List.self, Show.self, Add.self, Remove.self, Alarm.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List sensors, filtered by grid (with the grids below it) or key location.")
        @Option(help: "Only sensors in this grid or below it.") var grid: String?
        @Option(help: "Only sensors linked to this key location.") var location: String?
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions
        func run() throws {
            try reportingFailures {
                let sensors = try options.open().sensors(gridID: grid, keyLocationID: location)
                try format.emit(
                    header: ["id", "name", "kind", "camera", "grid", "key locations"],
                    rows: sensors.map { record in
                        [
                            record.sensor.id.rawValue, record.sensor.name, record.sensor.kind.rawValue,
                            record.sensor.cameraID?.rawValue ?? "-",
                            record.gridPath.last?.id ?? "-", record.keyLocations.map(\.locationID).joined(separator: ";"),
                        ]
                    }, json: sensors.map(SensorView.init))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one sensor with its grid path and key locations.")
        @Argument(help: "Sensor ID.") var id: String
        @OptionGroup var options: RegistryOptions
        func run() throws {
            try reportingFailures {
                guard let record = try options.open().sensor(id: id) else { throw RegistryError(.notFound, "no sensor \(id)") }
                try printJSON(SensorView(record))
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or replace a sensor, placed by its position or by the camera it sits with.")
        @Argument(help: "Sensor ID (GB/T 28181).") var id: String
        @Option(help: "Name.") var name: String
        @Option(help: "Kind: \(SensorKind.allCases.map(\.rawValue).joined(separator: ", ")).") var kind: String
        @Option(help: "Longitude (WGS-84).") var longitude: Double?
        @Option(help: "Latitude (WGS-84).") var latitude: Double?
        @Option(help: "The camera it sits with.") var camera: String?
        @OptionGroup var options: RegistryOptions
        func run() throws {
            try reportingFailures {
                guard let sensorKind = SensorKind(rawValue: kind) else {
                    throw CLIError(
                        message: "--kind must be one of \(SensorKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                var point: Coordinate? = nil
                if let longitude, let latitude { point = try Coordinate(longitude: longitude, latitude: latitude) }
                let registry = try options.open()
                try registry.saveSensor(
                    Sensor(
                        id: try DeviceID(id, lenient: options.lenientID), name: name, kind: sensorKind, location: point,
                        cameraID: try camera.map { try DeviceID($0, lenient: true) })
                ) { try auditCommand(options.location, "sensor.save", id) }
                print("saved sensor \(id), grid \(try registry.sensor(id: id)!.gridPath.pathText)")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a sensor.")
        @Argument(help: "Sensor ID.") var id: String
        @OptionGroup var options: RegistryOptions
        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                try registry.removeSensor(id: id) { try auditCommand(options.location, "sensor.remove", id) }
                print("removed sensor \(id)")
            }
        }
    }
}
