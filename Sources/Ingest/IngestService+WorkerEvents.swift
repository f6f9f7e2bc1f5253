import Archive
import CameraRegistry
import Foundation
import Logging
import MediaIO

extension IngestService {
    /// Takes a worker's event on the worker's thread: the recording index, the health history, the status board and
    /// the observers.
    func handle(_ event: WorkerEvent) {
        var event = event
        if case .health(var transition) = event, transition.state == .stopped, !isStopping,
            let camera = try? registry.camera(id: transition.camera), camera.camera.mode != .record
        {
            // Stopped because an operator took it out of recording (patrol or off): the history says so (availability
            // excludes that time).
            transition.state = .disabled
            event = .health(transition)
        }
        indexer.handle(event)
        switch event {
        case .health(let transition):
            record(transition)
        case .keyframe(let keyframe):
            let interval = board.withLock { board -> Double? in
                guard var status = board.cameras[keyframe.camera] else { return nil }
                // Only between keyframes of one connection: the gap across a reconnection is no GOP.
                let interval = status.lastKeyframe.flatMap { last in
                    status.state == .streaming && last >= status.since ? keyframe.wallClock.timeIntervalSince(last) : nil
                }
                if let interval { status.gop = interval }
                status.lastKeyframe = keyframe.wallClock
                status.keyframes += 1
                board.cameras[keyframe.camera] = status
                return interval
            }
            if let interval {
                observe(places.observation(keyframe.camera, .keyframeInterval(seconds: interval, at: keyframe.wallClock)))
            }
        case .discontinuity(let camera, let discontinuity):
            try? healthLog.append([
                DiscontinuityRecord(
                    camera: camera, at: Date(), kind: discontinuity.kind.rawValue, rawTimestamp: discontinuity.rawTimestamp,
                    timelineSeconds: discontinuity.timelineSeconds)
            ])
            board.withLock { $0.cameras[camera]?.discontinuities += 1 }
            observe(places.observation(camera, .discontinuity(discontinuity)))
        case .connected(let camera, let transport):
            board.withLock { $0.cameras[camera]?.transport = transport }
        case .segmentOpened(let camera, let path):
            board.withLock { $0.cameras[camera]?.segment = path }
        case .throughput(let camera, let bytes, let frames, let seconds, let at):
            let (bitrate, frameRate) = (Double(bytes * 8) / seconds, Double(frames) / seconds)
            board.withLock { board in
                board.cameras[camera]?.bitrate = bitrate
                board.cameras[camera]?.frameRate = frameRate
            }
            let reading = Observation.Reading.throughput(bitrate: bitrate, frameRate: frameRate, seconds: seconds, at: at)
            observe(places.observation(camera, reading))
        case .reception(let camera, let lost, let dropped):
            board.withLock { board in
                board.cameras[camera]?.packetsLost += lost
                board.cameras[camera]?.framesDropped += dropped
            }
        case .clockOffset(let camera, let seconds, let at):
            board.withLock { $0.cameras[camera]?.clockOffset = seconds }
            observe(places.observation(camera, .clockOffset(seconds: seconds, at: at)))
        }
    }

    /// A health transition: into the history, onto the board, to the observers; a recording failure raises the
    /// storage alarm.
    private func record(_ transition: HealthTransition) {
        do {
            try healthLog.append([HealthRecord(transition)])
        } catch {
            raiseStorageAlarm("the health history cannot be written: \(error)")
        }
        board.withLock { board in
            var status =
                board.cameras[transition.camera]
                ?? CameraStatus(camera: transition.camera, state: transition.state, since: transition.wallClock)
            if status.state == .streaming && transition.state != .streaming { status.reconnects += 1 }
            status.state = transition.state
            status.reason = transition.reason
            status.detail = transition.detail
            status.since = transition.wallClock
            if transition.state != .streaming {
                status.bitrate = nil
                status.frameRate = nil
                status.declaredFrameRate = nil
                status.clockOffset = nil
            }
            let ended = transition.state == .stopped || transition.state == .disabled
            board.cameras[transition.camera] = ended ? nil : status
        }
        if transition.reason == .recordingFailed {
            // No index row needs undoing: a keyframe is reported only once its bytes are in the file.
            raiseStorageAlarm("recording camera \(transition.camera) failed: \(transition.detail ?? "write error")")
        }
        observe(places.observation(transition.camera, .health(transition)))
    }

    func raiseStorageAlarm(_ message: String) { Self.raiseStorageAlarm(message, on: board, logger: logger) }

    /// Shows `message` as the storage alarm, logged once when it is raised (not again while it stays raised).
    static func raiseStorageAlarm(_ message: String, on board: StatusBoard, logger: Logger) {
        let isNew = board.withLock { board -> Bool in
            defer { board.storageAlarm = message }
            return board.storageAlarm == nil
        }
        if isNew { logger.error("storage alarm", metadata: ["problem": "\(message)"]) }
    }
}
