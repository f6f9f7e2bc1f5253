import Access
import Archive
import CameraRegistry
import Foundation
import Hummingbird
import Ingest

extension GatewayServices {
    /// Patrol inspection: the round and each patrol camera's latest visit, and one camera's visits.
    func addPatrolRoutes(to api: RouterGroup<GatewayContext>) {
        let (registry, archive) = (self.registry, self.archive)
        api.on("patrol", .get, role: .viewer) { request, _ in
            let grid = request.query("grid")
            let limit =
                request.uri.queryParameters.get("limit") == nil
                ? nil : try request.integer("limit", default: 100, in: 1...100_000)
            return JSONResponse(
                try await blocking {
                    try requireGrid(grid, in: registry)
                    return try PatrolReport.read(registry: registry, archive: archive, gridID: grid, limit: limit)
                })
        }
        // Every patrol camera's latest visit in brief, for the map: about 110 bytes a camera.
        api.on("patrol/latest", .get, role: .viewer) { request, _ in
            let grid = request.query("grid")
            return JSONResponse(
                try await blocking {
                    try requireGrid(grid, in: registry)
                    return try PatrolReport.latestVisits(registry: registry, archive: archive, gridID: grid)
                })
        }
        api.on("patrol/rounds", .get, role: .viewer) { request, _ in
            let limit = try request.integer("limit", default: 20, in: 1...1000)
            return JSONResponse(try await blocking { try PatrolRoundLog(store: archive).recent(limit: limit) })
        }
        // Operators ask for a visit now (after an alarm, or a grid's repair); the running patrol takes it within its
        // registry poll. Audited like any change.
        api.on("patrol/run-now", .post, role: .operator) { request, context in
            let grid = request.query("grid")
            let auditor = auditor(context)
            return JSONResponse(
                try await blocking {
                    try requireGrid(grid, in: registry)
                    try auditor.record("patrol.run-now", grid ?? "all")
                    let cameras = try registry.cameras(CameraFilter(gridID: grid, modes: [.patrol])).count
                    let request = try PatrolRoundLog(store: archive).requestRun(grid: grid, by: auditor.actor)
                    return PatrolRunAnswer(request: request, cameras: cameras)
                })
        }
        api.on("cameras/:id/visits", .get, role: .viewer) { request, context in
            let id = try context.parameters.require("id")
            let (from, to) = (try request.time("from"), try request.time("to"))
            let limit = try request.integer("limit", default: 100, in: 1...1000)
            return JSONResponse(
                try await blocking {
                    _ = try Self.camera(id, in: registry)
                    return try PatrolVisitLog(store: archive).recent(
                        camera: id, limit: limit, from: from ?? .distantPast, to: to ?? .distantFuture)
                })
        }
    }
}

/// The answer to `POST /api/patrol/run-now`: the request, and how many patrol cameras it covers.
struct PatrolRunAnswer: Encodable, Sendable {
    var request: PatrolRunRequest
    var cameras: Int
}

/// Refuses (404) a grid the registry does not have; nil, for every grid, passes.
private func requireGrid(_ grid: String?, in registry: Registry) throws {
    if let grid, try registry.grid(id: grid) == nil { throw RegistryError(.notFound, "no grid \(grid)") }
}
