public import CameraRegistry

extension Supervisor {
    /// Brings the running set in step with the registry: a worker for every enabled camera, on its main stream.
    /// Call it after every registry change (or periodically); cameras that did not change are not touched.
    public func sync(with registry: Registry) throws {
        apply(to: try registry.cameras(CameraFilter(enabled: true)))
    }

    /// Runs exactly `cameras`, each on its main stream.
    func apply(to cameras: [CameraRecord]) {
        apply(cameras.map { CameraEndpoint(id: $0.camera.id.rawValue, connectionURL: $0.camera.mainStream.connectionURL) })
    }
}
