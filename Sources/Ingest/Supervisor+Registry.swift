public import CameraRegistry

extension Supervisor {
    /// Brings the running set in step with the registry: a worker for every camera in record mode, on its main stream.
    /// Call it after every registry change (or periodically); cameras that did not change are not touched.
    public func sync(with registry: Registry) throws {
        apply(to: try registry.cameras(CameraFilter(modes: [.record])))
    }

    /// Runs exactly `cameras`, each on its main stream; none whose ID could not name its own recording directory
    /// (a registry written before such IDs were refused may hold `.` or `..`, which would record outside `segments/`).
    func apply(to cameras: [CameraRecord]) {
        let safe = cameras.filter { DeviceID.isSafeFileName($0.camera.id.rawValue) }
        if safe.count < cameras.count {
            let refused = cameras.filter { !DeviceID.isSafeFileName($0.camera.id.rawValue) }.map(\.camera.id.rawValue)
            refusedUnsafeIDs(refused)
        }
        apply(
            safe.map {
                CameraEndpoint(
                    id: $0.camera.id.rawValue, connectionURL: $0.camera.mainStream.connectionURL,
                    rtspTransport: $0.camera.rtspTransport)
            })
    }
}
