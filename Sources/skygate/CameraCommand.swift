import Archive
import ArgumentParser
import CameraRegistry
import Foundation
import Geo
import MediaIO

/// `skygate camera …`: the camera points of the registry.
struct CameraCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camera",
        abstract: "Add, list, show, change and remove camera points.",
        subcommands: [Add.self, List.self, Show.self, Update.self, Remove.self, SetMode.self, Enable.self, Disable.self])

    /// Fields of a camera given on the command line; for `update`, only those given change.
    struct Fields: ParsableArguments {
        @Option(help: "Name of the camera point.") var name: String?
        @Option(name: .customLong("url"), help: "Main stream URL (credentials in it are stored encrypted).") var mainURL: String?
        @Option(name: .customLong("sub-url"), help: "Sub stream URL.") var subURL: String?
        @Option(help: "Longitude in degrees (WGS-84 unless --gcj02).") var longitude: Double?
        @Option(help: "Latitude in degrees (WGS-84 unless --gcj02).") var latitude: Double?
        @Flag(help: "The position is in GCJ-02 (web-map coordinates); it is converted to WGS-84.") var gcj02 = false
        @Option(help: "Vendor.") var vendor: String?
        @Option(help: "Model.") var model: String?
        @Option(name: .customLong("tag"), help: "A tag; repeat for several.") var tags: [String] = []
        @Option(help: "Why this camera records (privacy: purpose limitation).") var purpose: String?
        @Option(help: "Days its recordings are kept (1–3650).") var retentionDays: Int?
        @Option(
            help: ArgumentHelp(
                "RTSP transport: auto (TCP, then UDP if the camera refuses TCP), tcp, udp, udp_multicast or http.",
                valueName: "transport"))
        var rtspTransport: String?
        @Option(
            help: ArgumentHelp(
                "record (recorded continuously), patrol (inspected in rotation, not recorded) or off (registered only). "
                    + "A new camera records unless given.",
                valueName: "mode"), transform: parseCameraMode)
        var mode: CameraMode?

        /// The position given, in WGS-84, and whether it was converted.
        func position() throws -> (Coordinate, Bool)? {
            switch (longitude, latitude) {
            case (nil, nil): return nil
            case (let longitude?, let latitude?):
                let point = try Coordinate(longitude: longitude, latitude: latitude)
                return gcj02 ? (GCJ02.toWGS84(point), true) : (point, false)
            default: throw ValidationError("give both --longitude and --latitude")
            }
        }

        func apply(to camera: inout Camera, registry: Registry) throws {
            if let name { camera.name = name }
            if let mainURL { camera.mainStream = try registry.streamEndpoint(mainURL) }
            if let subURL { camera.subStream = subURL.isEmpty ? nil : try registry.streamEndpoint(subURL) }
            if let (point, converted) = try position() {
                camera.location = point
                camera.convertedFromGCJ02 = converted
            }
            if let vendor { camera.vendor = vendor }
            if let model { camera.model = model }
            if !tags.isEmpty { camera.tags = Array(Set(tags)).sorted() }
            if let purpose { camera.purpose = purpose }
            if let retentionDays { camera.retentionDays = retentionDays }
            if let rtspTransport { camera.rtspTransport = try RTSPTransport.setting(rtspTransport) }
            if let mode { camera.mode = mode }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a new camera point and link it to its grid and key locations.")
        @Argument(help: "GB/T 28181 ID (20 digits).") var id: String
        @OptionGroup var fields: Fields
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                guard let name = fields.name, let url = fields.mainURL else {
                    throw CLIError(message: "camera add needs --name and --url")
                }
                var camera = Camera(
                    id: try DeviceID(id, lenient: options.lenientID), name: name, mainStream: try registry.streamEndpoint(url),
                    location: nil)
                try fields.apply(to: &camera, registry: registry)
                try registry.addCamera(camera) { try auditCommand(options.location, "camera.add", id) }
                let record = try registry.camera(id: id)!
                print("added \(id), grid \(record.gridPath.pathText)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List cameras, filtered by grid (with the grids below it), key location, tag or mode.")
        @Option(help: "Only cameras in this grid or below it.") var grid: String?
        @Option(help: "Only cameras linked to this key location.") var location: String?
        @Option(help: "Only cameras with this tag.") var tag: String?
        @Option(
            help: ArgumentHelp("Only cameras in this mode (record, patrol or off); repeat for several.", valueName: "mode"),
            transform: parseCameraMode)
        var mode: [CameraMode] = []
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                let filter = CameraFilter(
                    gridID: grid, keyLocationID: location, tag: tag, modes: mode.isEmpty ? nil : Set(mode))
                let records = try options.open().cameras(filter)
                try format.emit(
                    header: ["id", "name", "mode", "grid", "longitude", "latitude", "tags", "key locations", "url"],
                    rows: records.map { record in
                        let camera = record.camera
                        return [
                            camera.id.rawValue, camera.name, camera.mode.rawValue, record.gridPath.last?.id ?? "-",
                            camera.location.map { fixed($0.longitude, 6) } ?? "-",
                            camera.location.map { fixed($0.latitude, 6) } ?? "-",
                            camera.tags.joined(separator: ";"), record.keyLocations.map(\.locationID).joined(separator: ";"),
                            camera.mainStream.redacted,
                        ]
                    }, json: records.map(CameraView.init))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one camera: its decoded GB/T 28181 ID, grid path and key locations.")
        @Argument(help: "Camera ID.") var id: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                guard let record = try options.open().camera(id: id) else { throw RegistryError(.notFound, "no camera \(id)") }
                if json { return try printJSON(CameraView(record)) }
                let camera = record.camera
                print("camera      \(camera.id)  \(camera.name)")
                if let code = camera.id.code {
                    print(
                        "gb28181     region \(code.region) (\(code.provinceName)), unit \(code.centre.suffix(2)), industry \(code.industry), type \(code.typeCode) \(code.typeName), serial \(code.serial)"
                    )
                }
                print("mode        \(camera.mode.rawValue)")
                // Only from an archive that exists: showing a camera must not create one.
                let archivePath = options.location.indexPath
                if FileManager.default.fileExists(atPath: archivePath),
                    let visit = try PatrolVisitLog(store: ArchiveDatabase(path: archivePath)).latest(camera: id)
                {
                    print(
                        "last visit  \(TimeText.format(visit.startedAt)) \(visit.outcome.rawValue)"
                            + (visit.reason.map { " (\($0))" } ?? "") + ", \(visit.keyframes.count) keyframes, "
                            + "\(streamText(visit.stream)), GOP \(gopText(visit.stream)) s"
                            + (visit.stream?.clockOffset == nil ? "" : ", clock \(signedText(visit.stream?.clockOffset)) s")
                            + (visit.stream?.packetsLost.map { ", \($0) packets lost" } ?? ""))
                }
                print("main        \(camera.mainStream.redacted)")
                if let sub = camera.subStream { print("sub         \(sub.redacted)") }
                if let point = camera.location {
                    print(
                        "position    \(fixed(point.longitude, 6)), \(fixed(point.latitude, 6)) WGS-84"
                            + (camera.convertedFromGCJ02 ? " (converted from GCJ-02)" : ""))
                }
                print(
                    "grid path   "
                        + (record.gridPath.isEmpty
                            ? "none"
                            : record.gridPath.map { "\($0.name) [\($0.id), \($0.level.rawValue)]" }.joined(separator: " › ")))
                for link in record.keyLocations {
                    print(
                        "near        \(link.name) [\(link.locationID), \(link.category.rawValue)] at \(fixed(link.distance, 0)) m"
                    )
                }
                print("vendor      \(camera.vendor) \(camera.model)")
                print("tags        \(camera.tags.joined(separator: ", "))")
                print("purpose     \(camera.purpose); recordings kept \(camera.retentionDays) days")
                print("rtsp        \(camera.rtspTransport?.rawValue ?? "auto (TCP, then UDP if refused)")")
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a camera's fields; only those given change.",
            discussion: """
                A new URL without credentials keeps the stored ones only if its scheme, host and port are unchanged; \
                pointing a stream elsewhere drops them (give them again in the URL).
                """)
        @Argument(help: "Camera ID.") var id: String
        @OptionGroup var fields: Fields
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                guard var camera = try registry.camera(id: id)?.camera else { throw RegistryError(.notFound, "no camera \(id)") }
                try fields.apply(to: &camera, registry: registry)
                let dropped = try registry.updateCamera(camera) { dropped in
                    var detail = fields.mainURL != nil || fields.subURL != nil ? ["stream URL changed"] : []
                    if !dropped.isEmpty {
                        detail.append("credentials dropped (\(dropped.map(\.rawValue).joined(separator: ", "))): new origin")
                    }
                    try auditCommand(
                        options.location, "camera.update", id, detail: detail.isEmpty ? nil : detail.joined(separator: "; "))
                }
                print("updated \(id), grid \(try registry.camera(id: id)!.gridPath.pathText)")
                for role in dropped {
                    print("\(role.rawValue) stream: stored credentials dropped (the URL now points elsewhere)")
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a camera from the registry.")
        @Argument(help: "Camera ID.") var id: String
        @OptionGroup var options: RegistryOptions
        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                try registry.removeCamera(id: id) { try auditCommand(options.location, "camera.remove", id) }
                print("removed \(id)")
            }
        }
    }

    struct SetMode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a camera's mode: record, patrol or off.",
            discussion: """
                A running gateway follows within a second: a camera set to record starts recording, one set to patrol \
                or off stops (its recordings are kept until their retention ends). 'skygate grid set-mode' sets a whole \
                grid's.
                """)
        @Argument(help: "Camera ID.") var id: String
        @Argument(help: "record, patrol or off.", transform: parseCameraMode) var mode: CameraMode
        @OptionGroup var options: RegistryOptions
        func run() throws { try setCameraMode(mode, id, options) }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a camera: the same as 'set-mode ID record'.")
        @Argument(help: "Camera ID.") var id: String
        @OptionGroup var options: RegistryOptions
        func run() throws { try setCameraMode(.record, id, options) }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop recording and inspecting a camera (it stays registered): the same as 'set-mode ID off'.")
        @Argument(help: "Camera ID.") var id: String
        @OptionGroup var options: RegistryOptions
        func run() throws { try setCameraMode(.off, id, options) }
    }
}

/// What `camera set-mode`, `enable` and `disable` share: one audited change, printed.
private func setCameraMode(_ mode: CameraMode, _ id: String, _ options: RegistryOptions) throws {
    try reportingFailures {
        let registry = try options.open()
        try registry.setMode(mode, cameraID: id) {
            try auditCommand(options.location, "camera.mode", id, detail: mode.rawValue)
        }
        print("\(id): \(mode.rawValue)")
    }
}

/// Parses a mode given on the command line; the error names the modes.
func parseCameraMode(_ text: String) throws -> CameraMode {
    guard let mode = CameraMode(text: text) else {
        throw ValidationError("'\(text)' is not a camera mode: give \(CameraMode.spelled)")
    }
    return mode
}

/// " (2 record, 1 patrol)": how many cameras are in each mode, modes with none left out; empty for no cameras.
func modeCounts(_ modes: [CameraMode]) -> String {
    let parts = CameraMode.allCases.compactMap { mode -> String? in
        let count = modes.count { $0 == mode }
        return count == 0 ? nil : "\(count) \(mode.rawValue)"
    }
    return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
}
