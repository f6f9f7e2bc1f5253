public import Archive
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
        /// A keyframe came `seconds` after the previous one of the same connection (wall clock): the stream's GOP.
        case keyframeInterval(seconds: Double, at: Date)
        /// At a keyframe, once the camera has told its clock: seconds it is ahead of the gateway's (negative: behind).
        case clockOffset(seconds: Double, at: Date)
        /// A registry sync found the camera, or found it moved: `place` is where it is now. Sent at once, so an event
        /// raised while the camera sends nothing (offline, waiting to reconnect) carries its current place.
        case placed
        /// A patrol visit of a camera in patrol mode ended.
        case visited(PatrolVisit)
    }

    public var camera: String
    /// Where the camera is; nil once ingest no longer runs it (removed or disabled meanwhile): its last place stands.
    public var place: DevicePlace?
    public var reading: Reading
}

/// The places of the cameras ingest runs, replaced at every registry sync; read by every thread that reports.
final class CameraPlaces: Sendable {
    private let places = Mutex<[String: DevicePlace]>([:])

    /// Replaces every place with those of `records`; a `.placed` observation for each camera that is new or moved.
    func replace(with records: [CameraRecord]) -> [Observation] {
        let fresh = Dictionary(records.map { ($0.camera.id.rawValue, DevicePlace($0)) }, uniquingKeysWith: { first, _ in first })
        let old = places.withLock { places in
            defer { places = fresh }
            return places
        }
        return fresh.filter { old[$0.key] != $0.value }.keys.sorted().map {
            Observation(camera: $0, place: fresh[$0], reading: .placed)
        }
    }

    /// An observation of `camera`, with its place.
    func observation(_ camera: String, _ reading: Observation.Reading) -> Observation {
        Observation(camera: camera, place: places.withLock { $0[camera] }, reading: reading)
    }
}
