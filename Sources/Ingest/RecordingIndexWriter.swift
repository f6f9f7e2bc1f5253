public import Archive
import Dispatch
public import Foundation
public import MediaIO
import Synchronization

/// Writes what workers record into the archive's recording index: every keyframe, its statistics once analysed, a gap
/// row for every stretch between the last keyframe before an outage and the first after it, and the stream readings
/// the conformance detectors judge (throughput, ten readings to a row; clock offsets), so a replay can judge them too.
///
/// Workers and analysis threads only queue their writes (`handle`, `setStats`); one writer thread of its own applies
/// whatever is queued in one transaction every `interval`, in the order queued. So a camera's thread never waits for
/// SQLite (or for a viewer's read of the archive), and 200 cameras' keyframes cost one disk sync per batch instead of
/// one each.
public final class RecordingIndexWriter: Sendable {
    private let index: RecordingIndex
    private let interval: Double
    /// Told after each batch: nil when it was written, the error when it was not (the batch is kept and retried).
    private let onResult: @Sendable ((any Error)?) -> Void
    /// Per camera: the last keyframe's time, and why recording stopped since then, if it did.
    private let state = Mutex<[String: (lastKeyframe: Date?, outage: String?)]>([:])
    /// Per camera: throughput readings not yet a whole row (`StreamReadingLog.readingsPerRow`).
    private let readings = Mutex<[String: [ThroughputReading]]>([:])
    private let pending = WriteBacklog<IndexWrite>()
    private let threads = ServiceThreads()
    private let wake = DispatchSemaphore(value: 0)

    /// - Parameter interval: seconds between batches (100 ms: keyframes appear in the index that soon).
    public init(index: RecordingIndex, interval: Double = 0.1, onResult: @escaping @Sendable ((any Error)?) -> Void = { _ in }) {
        self.index = index
        self.interval = interval
        self.onResult = onResult
    }

    /// Starts the writer thread.
    public func start() {
        threads.spawn("index-writer") { [self] in
            while !threads.isStopping {
                _ = wake.wait(timeout: .now() + interval)
                flush()
            }
            queueReadings(of: nil)
            flush()
        }
    }

    /// Writes what is queued and stops the writer thread.
    public func stop() {
        guard threads.stop() else { return }
        wake.signal()
        threads.wait()
    }

    /// Queues what a worker's event means for the index.
    public func handle(_ event: WorkerEvent) {
        switch event {
        case .keyframe(let keyframe):
            let gapStart = state.withLock { cameras -> (Date, String)? in
                let previous = cameras[keyframe.camera]
                cameras[keyframe.camera] = (keyframe.wallClock, nil)
                guard let last = previous?.lastKeyframe, let reason = previous?.outage else { return nil }
                return (last, reason)
            }
            let gap = gapStart.map { from, reason in
                IndexWrite.gap(RecordingGap(camera: keyframe.camera, from: from, to: keyframe.wallClock, reason: reason))
            }
            pending.append(contentsOf: [gap, .keyframe(keyframe)].compactMap { $0 })
        case .health(let transition):
            // A connection's end writes its last readings: they would otherwise wait for the camera's return.
            queueReadings(of: transition.camera)
            guard transition.state == .offline || transition.state == .stalled else { return }
            state.withLock { cameras in
                let last = cameras[transition.camera]?.lastKeyframe
                if cameras[transition.camera]?.outage == nil {
                    cameras[transition.camera] = (last, transition.reason?.rawValue ?? transition.state.rawValue)
                }
            }
        case .throughput(let camera, let bytes, let frames, let seconds, let at):
            let row = readings.withLock { cameras -> [ThroughputReading]? in
                cameras[camera, default: []].append(ThroughputReading(at: at, bytes: bytes, frames: frames, seconds: seconds))
                guard cameras[camera, default: []].count >= StreamReadingLog.readingsPerRow else { return nil }
                return cameras.removeValue(forKey: camera)
            }
            if let row { pending.append(.throughput(camera: camera, row)) }
        case .clockOffset(let camera, let seconds, let at):
            pending.append(.clockReading(ClockReading(camera: camera, at: at, offset: seconds)))
        default:
            break
        }
    }

    /// Queues a keyframe's statistics and the frame rate its stream declared as its analysis ended (after its keyframe:
    /// a worker queues the keyframe before it offers it to analysis).
    public func setStats(camera: String, wallClock: Date, stats: FrameStats, declared: DeclaredFrameRate? = nil) {
        pending.append(.stats(camera: camera, wallClock: wallClock, stats: stats, declared: declared))
    }

    /// Queues the throughput readings held for `camera` (every camera's, with nil), however few.
    private func queueReadings(of camera: String?) {
        let held = readings.withLock { cameras -> [(String, [ThroughputReading])] in
            guard let camera else {
                defer { cameras = [:] }
                return cameras.map { ($0.key, $0.value) }
            }
            return cameras.removeValue(forKey: camera).map { [(camera, $0)] } ?? []
        }
        pending.append(contentsOf: held.map { IndexWrite.throughput(camera: $0.0, $0.1) })
    }

    /// Applies the queued writes; on failure they go back to the head of the queue.
    private func flush() {
        let batch = pending.takeAll()
        guard !batch.isEmpty else { return }
        do {
            try index.apply(batch)
            onResult(nil)
        } catch {
            pending.restore(batch)
            onResult(error)
        }
    }
}
