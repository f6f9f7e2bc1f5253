public import CameraRegistry
import Synchronization

/// A gateway of a fleet records only the cameras of the grids it owns (its share), as the central store assigns them.
extension IngestService {
    /// Records only the cameras below `grids` (nil: every camera, the gateway on its own), within
    /// `registryPollInterval`: cameras of grids that left stop, cameras of grids that came start.
    public func setShare(_ grids: Set<String>?) {
        share.withLock { share in
            guard share.grids != grids else { return }
            share = (grids, share.generation + 1)
        }
    }

    /// The grids this gateway records (nil: every camera).
    public var sharedGrids: Set<String>? { share.withLock { $0.grids } }

    /// Whether `camera` is in the share: one of the grids on its path (its own or one above) is owned.
    func isShared(_ camera: CameraRecord) -> Bool {
        guard let grids = share.withLock({ $0.grids }) else { return true }
        return camera.gridPath.contains { grids.contains($0.id) }
    }
}
