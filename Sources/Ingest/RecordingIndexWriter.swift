public import Archive
import Foundation
import Synchronization

/// Writes what workers record into the archive's recording index: every keyframe, and a gap row for every stretch
/// between the last keyframe before an outage and the first after it.
///
/// Workers call `handle` on their own threads; SQLite serialises the writes (a blocking call, on those dedicated
/// threads, never on Swift's cooperative pool).
public final class RecordingIndexWriter: Sendable {
    private let index: RecordingIndex
    /// Per camera: the last keyframe's time, and why recording stopped since then, if it did.
    private let state = Mutex<[String: (lastKeyframe: Date?, outage: String?)]>([:])

    public init(index: RecordingIndex) { self.index = index }

    /// Takes one worker event; errors are returned so the caller can raise a storage alarm.
    @discardableResult
    public func handle(_ event: WorkerEvent) -> (any Error)? {
        do {
            switch event {
            case .keyframe(let keyframe):
                let gapStart = state.withLock { cameras -> (Date, String)? in
                    let previous = cameras[keyframe.camera]
                    cameras[keyframe.camera] = (keyframe.wallClock, nil)
                    guard let last = previous?.lastKeyframe, let reason = previous?.outage else { return nil }
                    return (last, reason)
                }
                if let (from, reason) = gapStart {
                    try index.addGap(RecordingGap(camera: keyframe.camera, from: from, to: keyframe.wallClock, reason: reason))
                }
                try index.append([keyframe])
            case .health(let transition) where transition.state == .offline || transition.state == .stalled:
                state.withLock { cameras in
                    let last = cameras[transition.camera]?.lastKeyframe
                    if cameras[transition.camera]?.outage == nil {
                        cameras[transition.camera] = (last, transition.reason?.rawValue ?? transition.state.rawValue)
                    }
                }
            default:
                break
            }
            return nil
        } catch {
            return error
        }
    }
}
