import Archive
public import CameraRegistry
import Dispatch
public import Foundation
import Geo
public import Ingest
import Logging
import Synchronization

/// Turns the ingest service's observations into stored events: one `CameraDetector` per camera, the device's place
/// from the registry, and a writer thread that commits whatever transitions are waiting in one transaction (group
/// commit: one disk sync for a burst, so a mass outage of a thousand cameras is a few writes, not a thousand).
///
/// Everything runs on the engine's own threads or the caller's; nothing on Swift's cooperative pool.
public final class EventEngine: Sendable {
    public let store: EventStore
    private let registry: Registry
    private let configuration: DetectorConfiguration
    private let timeZone: TimeZone
    private let detectors = Mutex<[String: CameraDetector]>([:])
    private let pending = WriteBacklog<DetectorTransition>()
    /// Each observed camera's place, from its latest observation: the events of a camera carry it.
    private let cameraPlaces = Mutex<[String: DevicePlace]>([:])
    /// Sensors' places (and those of cameras not observed since a restart), as the registry links them, cached until
    /// the registry's change counter moves.
    private let registryPlaces = Mutex<(version: RegistryVersion, byDevice: [String: EventLocation])>((.unknown, [:]))
    /// Cameras' reference pictures as last read from the store (new detectors start with theirs).
    private let references = Mutex<[String: ReferencePicture]>([:])
    private let wake = DispatchSemaphore(value: 0)
    private let threads = ServiceThreads()
    private let onRecorded: @Sendable ([Event]) -> Void
    private let logger = Logger(label: "skygate.events")

    /// - Parameter onRecorded: called on the writer thread after each commit with the events it changed (to wake
    ///   the exporters and feed live views).
    public init(
        store: EventStore, registry: Registry, configuration: DetectorConfiguration = DetectorConfiguration(),
        timeZone: TimeZone = .current, onRecorded: @escaping @Sendable ([Event]) -> Void = { _ in }
    ) throws {
        self.store = store
        self.registry = registry
        self.configuration = configuration
        self.timeZone = timeZone
        self.onRecorded = onRecorded
    }

    private func makeDetector(_ camera: String) -> CameraDetector {
        var detector = CameraDetector(camera: camera, thresholds: configuration.thresholds(for: camera), timeZone: timeZone)
        detector.reference = references.withLock { $0[camera] }
        return detector
    }

    /// Seconds between reads of the reference pictures, which pick up those the command line set or cleared (the API
    /// hands its changes over at once with `useReference`).
    public static let referenceReadIntervalSeconds: TimeInterval = 30

    /// Gives a camera's detector the reference picture an operator set (nil: cleared).
    public func useReference(_ reference: ReferencePicture?, camera: String) {
        references.withLock { $0[camera] = reference }
        _ = withDetector(camera) { detector in
            detector.reference = reference
            return []
        }
    }

    /// The reference picture a camera's detector judges with now.
    public func reference(of camera: String) -> ReferencePicture? {
        detectors.withLock { $0[camera]?.reference }
    }

    /// Reads every reference picture from the store and hands the changed ones to their detectors. A camera whose
    /// reference the API changed while the store was read keeps the API's: only what was unchanged since before the
    /// read is taken from it.
    private func readReferences() {
        do {
            let before = references.withLock { $0 }
            let stored = try store.references()
            let changed = references.withLock { current in
                Set(before.keys).union(stored.keys).filter { camera in
                    guard before[camera] != stored[camera], current[camera] == before[camera] else { return false }
                    current[camera] = stored[camera]
                    return true
                }
            }
            for camera in changed { useReference(stored[camera], camera: camera) }
        } catch {
            logger.warning("cannot read the reference pictures", metadata: ["error": "\(error)"])
        }
    }

    /// Hands the events open when the service last stopped back to the detectors, so they clear when the fault
    /// ends; then starts the writer and the clock that raises outages once they have lasted long enough. A one-off
    /// user of the engine (a CLI sensor alarm) never starts it and so never reads the open events.
    public func start() throws {
        references.withLock { $0 = [:] }
        readReferences()
        let open = try store.openEvents()
        detectors.withLock { detectors in
            for event in open where !event.kind.isAlarm {
                var detector = detectors[event.device] ?? makeDetector(event.device)
                detector.restore(
                    event.kind, since: event.since, updatedAt: event.updatedAt, evidence: event.evidence, reason: event.reason)
                detectors[event.device] = detector
            }
        }
        threads.spawn("events-writer") { [self] in
            while !threads.isStopping {
                _ = wake.wait(timeout: .now() + 0.05)
                flush()
            }
            flush()
        }
        threads.spawn("events-clock") { [self] in
            var lastPurge = Date.distantPast
            var lastReferenceRead = Date()
            while !threads.isStopping {
                Thread.sleep(forTimeInterval: 1)
                let now = Date()
                if now.timeIntervalSince(lastReferenceRead) >= Self.referenceReadIntervalSeconds {
                    lastReferenceRead = now
                    readReferences()
                }
                if now.timeIntervalSince(lastPurge) >= 600 {
                    // Delivered messages are kept a day (for `events outbox` and debugging a sink), then go.
                    lastPurge = now
                    do {
                        try store.purgeDelivered(before: now - 86_400)
                        try store.purgeIdempotencyKeys(before: now - EventStore.idempotencyLifetime)
                    } catch {
                        logger.warning("cannot purge the outbox or the idempotency keys", metadata: ["error": "\(error)"])
                    }
                }
                let transitions = detectors.withLock { detectors in
                    detectors.keys.sorted().flatMap { detectors[$0]!.tick(now: now) }
                }
                enqueue(transitions)
            }
        }
    }

    /// Stops the threads after writing what is waiting.
    public func stop() {
        threads.stop()
        wake.signal()
        threads.wait()
    }

    /// Feeds one observation of the ingest service to its camera's detector; called on the thread that made it.
    public func observe(_ observation: Observation) {
        let camera = observation.camera
        if let place = observation.place { cameraPlaces.withLock { $0[camera] = place } }
        let transitions: [DetectorTransition]
        switch observation.reading {
        case .health(let transition):
            transitions = withDetector(camera) {
                $0.observe(health: transition.state, reason: transition.reason, at: transition.wallClock)
            }
        case .analysed(let keyframe):
            let sun = sunElevation(camera, at: keyframe.wallClock)
            transitions = withDetector(camera) {
                $0.declaredFrameRate = keyframe.declaredFrameRate
                return $0.observe(keyframe.stats, at: keyframe.wallClock, sunElevation: sun)
            }
        case .throughput(let bitrate, let frameRate, let seconds, let at):
            transitions = withDetector(camera) {
                $0.observe(bitrate: bitrate, frameRate: frameRate, seconds: seconds, at: at)
            }
        case .visited(let visit):
            let sun = sunElevation(camera, at: visit.startedAt.addingTimeInterval(visit.duration))
            transitions = withDetector(camera) { $0.observe(visit: visit, sunElevation: sun) }
        case .keyframeInterval(let seconds, let at):
            transitions = withDetector(camera) { $0.observe(keyframeInterval: seconds, at: at) }
        case .clockOffset(let seconds, let at):
            transitions = withDetector(camera) { $0.observe(clockOffset: seconds, at: at) }
        case .discontinuity, .placed:
            transitions = []
        }
        enqueue(transitions)
    }

    /// The sun's height at the camera's last known place at `time`; nil when its position is not known.
    private func sunElevation(_ camera: String, at time: Date) -> Double? {
        cameraPlaces.withLock { $0[camera] }?.location.map { Sun.elevation(at: $0, on: time) }
    }

    /// A sensor's alarm (raised) or its end (cleared), recorded before this returns: the caller may acknowledge it to
    /// the sender. A repeated idempotency key records nothing and answers the first event.
    public func sensorAlarm(
        sensor: String, alarm: String, phase: DetectorTransition.Phase, at time: Date, idempotencyKey: IdempotencyKey?,
        value: Double? = nil
    ) throws -> EventStore.Outcome {
        try validateText(alarm, field: "alarm")
        let transition = DetectorTransition(
            device: sensor, kind: .sensorAlarm, phase: phase, at: time, since: time,
            evidence: value.map { ["value": $0] } ?? [:], reason: alarm)
        let entry = EventStore.Entry(
            transition, location: try location(of: sensor, version: registry.version()),
            idempotencyKey: idempotencyKey)
        let outcome = try store.record([entry])[0]
        if case .recorded(let event) = outcome { onRecorded([event]) }
        return outcome
    }

    /// A GB/T 28181 device's alarm for one of its channels (or itself), recorded before this returns, so the SIP
    /// server answers the device only once it is kept. `alarm` names it (the method and type, "video/2"); priority,
    /// method and type go in the evidence, the description in the reason's text after the name. The device's message
    /// carries a serial number; a repeat of it is recorded once.
    public func deviceAlarm(
        device: String, alarm: String, description: String, priority: Int?, method: Int?, type: Int?, at time: Date,
        idempotencyKey: IdempotencyKey?
    ) throws -> EventStore.Outcome {
        var evidence: [String: Double] = [:]
        if let priority { evidence["priority"] = Double(priority) }
        if let method { evidence["method"] = Double(method) }
        if let type { evidence["type"] = Double(type) }
        let reason = description.isEmpty ? alarm : "\(alarm): \(description)"
        try validateText(reason, field: "alarm")
        let transition = DetectorTransition(
            device: device, kind: .deviceAlarm, phase: .raised, at: time, since: time, evidence: evidence, reason: reason)
        let entry = EventStore.Entry(
            transition, location: try location(of: device, version: registry.version()), idempotencyKey: idempotencyKey)
        let outcome = try store.record([entry])[0]
        if case .recorded(let event) = outcome { onRecorded([event]) }
        return outcome
    }

    // MARK: - Writing

    /// The cameras with an event open now, as the detectors hold them (patrol re-visits them sooner).
    public var camerasWithOpenFaults: Set<String> {
        detectors.withLock { detectors in Set(detectors.filter { !$0.value.openKinds.isEmpty }.keys) }
    }

    private func withDetector(_ camera: String, _ body: (inout CameraDetector) -> [DetectorTransition])
        -> [DetectorTransition]
    {
        detectors.withLock { detectors in
            var detector = detectors[camera] ?? makeDetector(camera)
            defer { detectors[camera] = detector }
            return body(&detector)
        }
    }

    private func enqueue(_ transitions: [DetectorTransition]) {
        guard !transitions.isEmpty else { return }
        pending.append(contentsOf: transitions)
        wake.signal()
    }

    /// Writes every waiting transition in one transaction. On failure they stay queued and are tried again.
    private func flush() {
        let batch = pending.takeAll()
        guard !batch.isEmpty else { return }
        do {
            let observed = cameraPlaces.withLock { $0 }
            let version = try registry.version()
            let entries = try batch.map { transition in
                EventStore.Entry(
                    transition,
                    location: try observed[transition.device].map(EventLocation.init)
                        ?? location(of: transition.device, version: version))
            }
            let events = try store.record(entries).compactMap { outcome -> Event? in
                if case .recorded(let event) = outcome { return event }
                return nil
            }
            for transition in batch {
                logger.info(
                    "event \(transition.phase.rawValue)",
                    metadata: ["device": "\(transition.device)", "kind": "\(transition.kind.rawValue)"])
            }
            onRecorded(events)
        } catch {
            logger.error("cannot record events; retrying", metadata: ["error": "\(error)"])
            pending.restore(batch)
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    /// A device's place as the registry links it, cached until the registry's `version` moves.
    private func location(of device: String, version: RegistryVersion) throws -> EventLocation {
        if let cached = registryPlaces.withLock({ $0.version == version ? $0.byDevice[device] : nil }) { return cached }
        let location: EventLocation
        if let camera = try registry.camera(id: device) {
            location = EventLocation(camera)
        } else if let sensor = try registry.sensor(id: device) {
            location = EventLocation(sensor)
        } else {
            // Removed from the registry meanwhile: the event still counts, without a place.
            location = EventLocation(.unknown)
        }
        registryPlaces.withLock { cache in
            if cache.version != version { cache = (version, [:]) }
            cache.byDevice[device] = location
        }
        return location
    }

}
