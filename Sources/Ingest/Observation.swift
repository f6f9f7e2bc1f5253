public import CameraRegistry
public import Foundation
import Synchronization

/// What the ingest service tells its observers (the event engine, live views): one reading of one camera, with the
/// camera's place as the registry linked it when ingest last read the registry. A stage downstream never asks the
/// registry back for what travels with the observation.
public struct Observation: Sendable {
    /// What was seen.
    public enum Reading: Sendable {
        case health(HealthTransition)
        case analysed(AnalysedKeyframe)
        case discontinuity(TimestampDiscontinuity)
        /// Bits and pictures per second over the last `seconds` (about one a second while streaming).
        case throughput(bitrate: Double, frameRate: Double, seconds: Double, at: Date)
    }

    public var camera: String
    /// Where the camera is (`DevicePlace.unknown` if it left the registry meanwhile).
    public var place: DevicePlace
    public var reading: Reading
}

/// The places of the cameras ingest runs, replaced at every registry sync; read by every thread that reports.
final class CameraPlaces: Sendable {
    private let places = Mutex<[String: DevicePlace]>([:])

    /// Replaces every place with those of `records`.
    func replace(with records: [CameraRecord]) {
        let fresh = Dictionary(records.map { ($0.camera.id.rawValue, DevicePlace($0)) }, uniquingKeysWith: { first, _ in first })
        places.withLock { $0 = fresh }
    }

    /// An observation of `camera`, with its place.
    func observation(_ camera: String, _ reading: Observation.Reading) -> Observation {
        Observation(camera: camera, place: places.withLock { $0[camera] } ?? .unknown, reading: reading)
    }
}
