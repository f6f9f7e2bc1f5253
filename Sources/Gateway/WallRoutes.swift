import Access
import Archive
import CameraRegistry
import Foundation
import HTTPTypes
import Hummingbird
import MediaIO
import NIOCore

/// What `POST /api/wall` hands out: a tile per camera, each with a thumbnail URL that carries its own short-lived
/// capability (an `<img>` cannot send a bearer header either), signed for thumbnails only: it plays no video.
struct WallGrant: Encodable {
    struct Tile: Encodable {
        var camera: String
        var name: String
        /// The camera's grid (the innermost), if it has one.
        var grid: String?
        /// `/play/CAPABILITY/thumbnail.jpg`: the camera's latest thumbnail while the capability lasts.
        var thumbnail: String
    }

    var tiles: [Tile]
    var expiresAt: Date
}

extension GatewayServices {
    /// The most tiles one wall may hold: a district's grid, not the district.
    static let wallLimit = 500
    /// How far back from the mint a wall's thumbnail may be: a camera whose last thumbnail is older shows none (it
    /// is not delivering; the tile's health colour says why).
    static let wallLookback: TimeInterval = 3600

    /// `POST /api/wall?grid=G` (the grid's cameras, and those of the grids below it) or `?cameras=A,B,…` (a chosen
    /// list, in its order), or neither (every camera not off): a keyframe wall. One audit row per wall opened, not per
    /// tile refreshed: the page refreshes each tile from its thumbnail URL until the capability expires, then opens
    /// the wall again.
    func addWallRoutes(api: RouterGroup<GatewayContext>, router: Router<GatewayContext>) {
        let (registry, access, now) = (self.registry, self.access, self.now)
        api.on("wall", .post, role: .operator) { request, context in
            let grid = request.uri.queryParameters["grid"].map(String.init)
            let chosen = request.uri.queryParameters["cameras"].map {
                $0.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty }
            }
            if grid != nil && chosen != nil { throw HTTPError(.badRequest, message: "ask for a grid or for cameras, not both") }
            if let chosen, chosen.isEmpty || chosen.count > Self.wallLimit {
                throw HTTPError(.badRequest, message: "'cameras' lists 1 to \(Self.wallLimit) camera IDs, comma-separated")
            }
            let auditor = auditor(context)
            let grant = try await blocking {
                let records = try Self.wallCameras(grid: grid, chosen: chosen, in: registry)
                guard records.count <= Self.wallLimit else {
                    throw HTTPError(
                        .badRequest,
                        message: "\(records.count) cameras are more than a wall holds (\(Self.wallLimit)); ask per grid")
                }
                let at = now()
                let expires = at.addingTimeInterval(Self.playbackLifetime)
                let key = access.mediaCapabilityKey
                let tiles = records.map { record in
                    let id = record.camera.id.rawValue
                    let capability = MediaCapability(
                        camera: id, from: at.addingTimeInterval(-Self.wallLookback), to: expires, expires: expires,
                        use: .thumbnail)
                    return WallGrant.Tile(
                        camera: id, name: record.camera.name, grid: record.gridPath.last?.id,
                        thumbnail: "/play/\(capability.token(signedWith: key))/thumbnail.jpg")
                }
                // The row says which cameras: the grid, the chosen list, or all of them.
                try auditor.record(
                    "wall.view", grid ?? chosen?.joined(separator: ",") ?? "all", detail: "\(tiles.count) cameras")
                return WallGrant(tiles: tiles, expiresAt: expires)
            }
            return JSONResponse(grant, status: .created)
        }
        let thumbnails = ThumbnailStore(beside: archive)
        router.get("play/:capability/thumbnail.jpg") { _, context in
            let token = try context.parameters.require("capability")
            let capability = try Self.capability(token, access: access, now: now(), for: .thumbnail)
            let (jpeg, at) = try await blocking {
                guard let thumbnail = thumbnails.thumbnail(camera: capability.camera), capability.covers(thumbnail.wallClock)
                else {
                    throw ArchiveError(.notRecorded, "camera \(capability.camera) has no thumbnail in the time this URL grants")
                }
                return thumbnail
            }
            return Response.keyframePicture(jpeg, at: at)
        }
    }

    /// The cameras of a wall: a chosen list in its order (404 for one not registered), a grid's, or every camera that is
    /// not off (recorded or patrolled).
    static func wallCameras(grid: String?, chosen: [String]?, in registry: Registry) throws -> [CameraRecord] {
        if let chosen {
            return try chosen.map { id in
                guard let record = try registry.camera(id: id) else { throw RegistryError(.notFound, "no camera \(id)") }
                return record
            }
        }
        if let grid {
            guard try registry.grid(id: grid) != nil else { throw RegistryError(.notFound, "no grid \(grid)") }
            return try registry.cameras(CameraFilter(gridID: grid))
        }
        return try registry.cameras(CameraFilter(modes: [.record, .patrol]))
    }
}
