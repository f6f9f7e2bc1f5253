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
            return JSONResponse(
                try await blocking {
                    if let grid, try registry.grid(id: grid) == nil { throw RegistryError(.notFound, "no grid \(grid)") }
                    return try PatrolReport.read(registry: registry, archive: archive, gridID: grid)
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
