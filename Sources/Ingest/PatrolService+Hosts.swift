import CameraRegistry
import Foundation

/// The hosts behind the patrol's cameras, for the per-host limit.
extension PatrolService {
    /// Where a camera's stream comes from, for the per-host limit: the GB/T 28181 device of a channel, else the URL's
    /// host (an NVR or platform serves many channels).
    static func host(of camera: Camera) -> String {
        let url = camera.mainStream.url
        return Registry.gbChannelURLParts(url)?.device ?? camera.mainStream.origin?.host ?? url
    }

    /// The recorded cameras per host: sessions an NVR serves besides the patrol's visits. Nil when the registry
    /// cannot be read (the last counts stand).
    func recordedSessionsPerHost() -> [String: Int]? {
        guard let recorded = try? registry.cameras(CameraFilter(modes: [.record])) else { return nil }
        return Dictionary(recorded.map { (Self.host(of: $0.camera), 1) }, uniquingKeysWith: +)
    }
}
