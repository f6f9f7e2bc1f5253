import Access
import Archive
import CameraRegistry
import Foundation
import Geo
import HTTPTypes
import Hummingbird
import NIOFoundationEssentialsCompat

/// A camera as the API takes it: every field optional, so PATCH changes only what it names; POST needs `id`,
/// `name` and `mainUrl`.
struct CameraInput: OptionalFields {
    var id: String?
    var name: String?
    var mainUrl: String?
    /// An empty string removes the sub stream.
    var subUrl: String?
    var longitude: Double?
    var latitude: Double?
    /// The coordinates are GCJ-02 (as Chinese web maps give them) and are converted to WGS-84.
    var gcj02: Bool?
    var vendor: String?
    var model: String?
    /// record, patrol or off; a new camera records unless given.
    var mode: CameraMode?
    var tags: [String]?
    var purpose: String?
    var retentionDays: Int?
    /// "auto" unpins; "tcp", "udp", "udp_multicast" or "http" pins.
    var rtspTransport: String?

    func apply(to camera: inout Camera, registry: Registry) throws {
        if let name { camera.name = name }
        if let mainUrl { camera.mainStream = try registry.streamEndpoint(mainUrl) }
        if let subUrl { camera.subStream = subUrl.isEmpty ? nil : try registry.streamEndpoint(subUrl) }
        if let point = try coordinate(longitude: longitude, latitude: latitude) {
            camera.location = gcj02 == true ? GCJ02.toWGS84(point) : point
            camera.convertedFromGCJ02 = gcj02 == true
        }
        if let vendor { camera.vendor = vendor }
        if let model { camera.model = model }
        if let mode { camera.mode = mode }
        if let tags { camera.tags = Array(Set(tags)).sorted() }
        if let purpose { camera.purpose = purpose }
        if let retentionDays { camera.retentionDays = retentionDays }
        if let rtspTransport { camera.rtspTransport = try RTSPTransport.setting(rtspTransport) }
    }
}

/// A position given as two optional numbers: none, or both (an error names the missing one's pair).
func coordinate(longitude: Double?, latitude: Double?) throws -> Coordinate? {
    switch (longitude, latitude) {
    case (nil, nil): return nil
    case (let longitude?, let latitude?): return try Coordinate(longitude: longitude, latitude: latitude)
    default: throw RegistryError(.invalid, "give both longitude and latitude")
    }
}

/// The body of `PUT /api/grids/{id}/mode`.
struct ModeInput: OptionalFields {
    var mode: CameraMode?
}

/// The answer to `PUT /api/grids/{id}/mode`: how many of the grid's cameras (and those of the grids below it) changed.
struct GridModeChange: Encodable, Sendable {
    var grid: String
    var mode: CameraMode
    var changed: Int
}

/// A sensor as the API takes it (PUT replaces it).
struct SensorInput: Decodable, Sendable {
    var name: String
    var kind: SensorKind
    var longitude: Double?
    var latitude: Double?
    /// The camera it sits with: it takes that camera's position when it has none of its own.
    var cameraId: String?
}

extension GatewayServices {
    /// Over 60 lines: one short closure per route, kept together so that each route's path, method and role read as one table.
    func addRegistryRoutes(to api: RouterGroup<GatewayContext>) {
        let registry = self.registry
        api.on("cameras", .get, role: .viewer) { request, _ in
            let modes: [CameraMode] = try request.choices("mode")
            let filter = CameraFilter(
                gridID: request.query("grid"), keyLocationID: request.query("location"), tag: request.query("tag"),
                modes: modes.isEmpty ? nil : Set(modes))
            return JSONResponse(try await blocking { try registry.cameras(filter).map(CameraView.init) })
        }
        api.on("cameras/:id", .get, role: .viewer) { _, context in
            let id = try context.parameters.require("id")
            return JSONResponse(CameraView(try await blocking { try Self.camera(id, in: registry) }))
        }
        api.on("cameras", .post, role: .admin) { request, context in
            let input = try await request.decode(as: StrictFields<CameraInput>.self, context: context).value
            guard let id = input.id, input.name != nil, input.mainUrl != nil else {
                throw HTTPError(.unprocessableContent, message: "a new camera needs id, name and mainUrl")
            }
            let auditor = auditor(context)
            let view = try await blocking {
                var camera = Camera(
                    id: try DeviceID(id, lenient: registry.lenientIDs), name: "",
                    mainStream: try registry.streamEndpoint(input.mainUrl!),
                    location: nil)
                try input.apply(to: &camera, registry: registry)
                try registry.addCamera(camera) { try auditor.record("camera.add", id) }
                return CameraView(try Self.camera(id, in: registry))
            }
            return JSONResponse(view, status: .created)
        }
        api.on("cameras/:id", .patch, role: .admin) { request, context in
            let id = try context.parameters.require("id")
            let input = try await request.decode(as: StrictFields<CameraInput>.self, context: context).value
            if let other = input.id, other != id {
                throw HTTPError(.unprocessableContent, message: "a camera's id cannot change ('\(other)' ≠ '\(id)')")
            }
            let auditor = auditor(context)
            let view = try await blocking {
                var camera = try Self.camera(id, in: registry).camera
                try input.apply(to: &camera, registry: registry)
                let dropped = try registry.updateCamera(camera) { dropped in
                    var detail = input.mainUrl != nil || input.subUrl != nil ? ["stream URL changed"] : []
                    if let mode = input.mode { detail.append("mode \(mode.rawValue)") }
                    if !dropped.isEmpty {
                        detail.append("credentials dropped (\(dropped.map(\.rawValue).joined(separator: ", "))): new origin")
                    }
                    try auditor.record("camera.update", id, detail: detail.isEmpty ? nil : detail.joined(separator: "; "))
                }
                var view = CameraView(try Self.camera(id, in: registry))
                view.credentialsDropped = dropped.isEmpty ? nil : dropped
                return view
            }
            return JSONResponse(view)
        }
        let thumbnails = ThumbnailStore(beside: archive)
        api.on("cameras/:id", .delete, role: .admin) { _, context in
            let id = try context.parameters.require("id")
            let auditor = auditor(context)
            try await blocking {
                _ = try Self.camera(id, in: registry)
                try registry.removeCamera(id: id) { try auditor.record("camera.remove", id) }
                // Its picture goes with it: a camera registered again under the ID must not show the old one.
                thumbnails.remove(camera: id)
            }
            return HTTPResponse.Status.noContent
        }

        api.on("grids", .get, role: .viewer) { _, _ in
            JSONResponse(try await blocking { try registry.grids().map(GridView.init) })
        }
        api.on("grids/:id", .get, role: .viewer) { _, context in
            let id = try context.parameters.require("id")
            return JSONResponse(
                try await blocking {
                    guard let grid = try registry.grid(id: id) else { throw RegistryError(.notFound, "no grid \(id)") }
                    return GridView(grid)
                })
        }
        api.on("grids/:id/mode", .put, role: .admin) { request, context in
            let id = try context.parameters.require("id")
            guard let mode = try await request.decode(as: StrictFields<ModeInput>.self, context: context).value.mode else {
                throw HTTPError(.unprocessableContent, message: "give the grid's cameras a mode: record, patrol or off")
            }
            let auditor = auditor(context)
            let changed = try await blocking {
                try registry.setMode(mode, gridID: id) { changed in
                    try auditor.record("grid.mode", id, detail: "\(mode.rawValue): \(changed) cameras")
                }
            }
            return JSONResponse(GridModeChange(grid: id, mode: mode, changed: changed))
        }
        api.on("locations", .get, role: .viewer) { _, _ in
            JSONResponse(try await blocking { try registry.keyLocations().map { KeyLocationView($0) } })
        }
        // Grids and key locations come as GeoJSON, as `skygate registry import` takes them: added or updated by ID.
        for (path, file, action) in [
            ("grids", RegistryFiles.grids, "grid.import"), ("locations", RegistryFiles.keyLocations, "location.import"),
        ] {
            api.on(RouterPath(stringLiteral: path), .put, role: .admin) { request, context in
                let body = try await request.body.collect(upTo: 64 << 20)
                let auditor = auditor(context)
                let summary = try await blocking {
                    try registry.importFiles([file: Data(buffer: body)]) { _ in try auditor.record(action, file) }
                }
                return JSONResponse(summary)
            }
        }
        api.on("map/grids", .get, role: .viewer) { _, _ in
            Self.geoJSON(
                try await blocking {
                    try GeoJSON.write(
                        registry.grids().map {
                            (
                                id: $0.id,
                                properties: [
                                    "name": .string($0.name), "level": .string($0.level.rawValue),
                                    "parent": $0.parentID.map { .string($0) } ?? .null,
                                ],
                                geometry: .area($0.area)
                            )
                        })
                })
        }
        api.on("map/locations", .get, role: .viewer) { _, _ in
            Self.geoJSON(
                try await blocking {
                    try GeoJSON.write(
                        registry.keyLocations().map {
                            (
                                id: $0.id,
                                properties: [
                                    "name": .string($0.name), "category": .string($0.category.rawValue),
                                    "radiusM": .number($0.alertRadius),
                                ],
                                geometry: $0.geometry
                            )
                        })
                })
        }

        api.on("sensors", .get, role: .viewer) { request, _ in
            let (grid, location) = (request.query("grid"), request.query("location"))
            return JSONResponse(
                try await blocking { try registry.sensors(gridID: grid, keyLocationID: location).map(SensorView.init) })
        }
        api.on("sensors/:id", .get, role: .viewer) { _, context in
            let id = try context.parameters.require("id")
            return JSONResponse(
                try await blocking {
                    guard let sensor = try registry.sensor(id: id) else { throw RegistryError(.notFound, "no sensor \(id)") }
                    return SensorView(sensor)
                })
        }
        api.on("sensors/:id", .put, role: .admin) { request, context in
            let id = try context.parameters.require("id")
            let input = try await request.decode(as: SensorInput.self, context: context)
            let auditor = auditor(context)
            let (view, existed) = try await blocking {
                let existed = try registry.sensor(id: id) != nil
                let point = try coordinate(longitude: input.longitude, latitude: input.latitude)
                try registry.saveSensor(
                    Sensor(
                        id: try DeviceID(id, lenient: registry.lenientIDs), name: input.name, kind: input.kind, location: point,
                        cameraID: try input.cameraId.map { try DeviceID($0, lenient: true) })
                ) { try auditor.record(existed ? "sensor.update" : "sensor.add", id) }
                return (SensorView(try registry.sensor(id: id)!), existed)
            }
            return JSONResponse(view, status: existed ? .ok : .created)
        }
        api.on("sensors/:id", .delete, role: .admin) { _, context in
            let id = try context.parameters.require("id")
            let auditor = auditor(context)
            try await blocking {
                guard try registry.sensor(id: id) != nil else { throw RegistryError(.notFound, "no sensor \(id)") }
                try registry.removeSensor(id: id) { try auditor.record("sensor.remove", id) }
            }
            return HTTPResponse.Status.noContent
        }
    }

    static func camera(_ id: String, in registry: Registry) throws -> CameraRecord {
        guard let record = try registry.camera(id: id) else { throw RegistryError(.notFound, "no camera \(id)") }
        return record
    }

    static func geoJSON(_ data: Data) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/geo+json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
