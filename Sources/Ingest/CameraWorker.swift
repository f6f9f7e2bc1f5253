import Archive
import Foundation
import Logging
import MediaIO
import Synchronization

/// One camera's connection, on a thread of its own: connect, record, reconnect, until stopped.
///
/// The worker composes small rules, each a type of its own and tested alone: a `PacketSource` (how video arrives),
/// a `ReconnectPolicy` (backoff and flapping), a `TimestampSanitiser` (one monotonic timeline), a `RecordingSink`,
/// a `ThroughputMeter` and a `KeyframeSelector`. Every blocking call runs on the worker's thread under the source's
/// deadlines; `stop()` aborts whatever call is blocked, from any thread, so a deleted camera's worker ends at once.
public final class CameraWorker: Sendable {
    public let camera: String
    private let opener: any PacketSourceOpener
    private let configuration: WorkerConfiguration
    let clock: any WorkerClock
    private let makeRecorder: @Sendable () -> any RecordingSink
    let report: @Sendable (WorkerEvent) -> Void
    private let control = Mutex<(stopping: Bool, interrupt: InterruptFlag?)>((false, nil))
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let logger: Logger

    /// A worker for a camera URL, recording into MPEG-TS segments in `configuration.segmentDirectory`.
    /// - Parameters:
    ///   - connectionURL: the stream URL with its credentials; it is never logged or reported.
    ///   - report: called on the worker's thread for every event; keep it short.
    public convenience init(
        camera: String, connectionURL: String, configuration: WorkerConfiguration,
        report: @escaping @Sendable (WorkerEvent) -> Void
    ) {
        self.init(
            camera: camera, source: URLSourceOpener(connectionURL: connectionURL, options: configuration.demux),
            configuration: configuration, report: report)
    }

    /// A worker for any packet source.
    /// - Parameters:
    ///   - clock: the system clock in service; a virtual one replays a history in tests.
    ///   - recorder: makes the worker's recording sink (on its thread); by default MPEG-TS segments.
    ///   - report: called on the worker's thread for every event; keep it short.
    public init(
        camera: String, source: any PacketSourceOpener, configuration: WorkerConfiguration,
        clock: any WorkerClock = SystemClock(), recorder: (@Sendable () -> any RecordingSink)? = nil,
        report: @escaping @Sendable (WorkerEvent) -> Void
    ) {
        self.camera = camera
        self.opener = source
        self.configuration = configuration
        self.clock = clock
        self.makeRecorder =
            recorder ?? { [configuration] in
                SegmentRecorder(
                    directory: configuration.segmentDirectory, segmentDuration: configuration.segmentDuration, clock: clock)
            }
        self.report = report
        var logger = Logger(label: "skygate.ingest")
        logger[metadataKey: "camera"] = "\(camera)"
        self.logger = logger
    }

    /// Starts the worker on a thread of its own.
    public func start() {
        startThread("camera-\(camera)") { [self] in
            run()
            finished.signal()
        }
    }

    /// Asks the worker to end: the blocked call (connect, read, wait) is aborted at once.
    public func stop() {
        let interrupt = control.withLock { state -> InterruptFlag? in
            state.stopping = true
            return state.interrupt
        }
        interrupt?.abort()
        wake.signal()
    }

    /// Waits until the worker's thread has ended; false on timeout.
    public func waitUntilStopped(timeout: Double) -> Bool {
        finished.wait(timeout: .now() + timeout) == .success
    }

    private var isStopping: Bool { control.withLock { $0.stopping } }

    /// Connects, streams and reconnects on the calling thread until `stop()`. `start()` runs it on a thread of its
    /// own; tests with a scripted source and a virtual clock call it directly.
    public func run() {
        let recorder = makeRecorder()
        var timeline: TimestampSanitiser? = nil
        var reconnect = configuration.reconnectPolicy
        while !isStopping {
            transition(.connecting)
            let interrupt = InterruptFlag()
            control.withLock { $0.interrupt = interrupt }
            if isStopping { break }
            let ending = connect(interrupt: interrupt, recorder: recorder, timeline: &timeline, reconnect: &reconnect)
            control.withLock { $0.interrupt = nil }
            switch ending {
            case .stopped:
                break
            case .parked:
                // The URL will not become acceptable by waiting; a registry change replaces this worker.
                while !isStopping { clock.wait(seconds: 3600, wakingOn: wake) }
            case .ended(let streamedFor):
                // Wait before reconnecting; stop() wakes the wait at once.
                clock.wait(seconds: reconnect.waitAfterConnection(streamedFor: streamedFor), wakingOn: wake)
                continue
            }
            break
        }
        transition(.stopped)
    }

    /// How one connection ended.
    private enum Ending {
        /// The worker was stopped (or the source aborted).
        case stopped
        /// The URL was refused by policy: retrying cannot help.
        case parked
        /// The connection failed or ended after streaming for this many seconds (nil: it never streamed).
        case ended(streamedFor: Double?)
    }

    /// One connection: open, stream until it ends or fails, report how, then close (aborted first: a connection that
    /// failed or ended gets no polite TEARDOWN, so the close returns at once instead of spending another read timeout
    /// on a dead peer). The close comes after the state was reported.
    private func connect(
        interrupt: InterruptFlag, recorder: any RecordingSink, timeline: inout TimestampSanitiser?,
        reconnect: inout ReconnectPolicy
    ) -> Ending {
        var source: (any PacketSource)? = nil
        var streamingSince: UInt64? = nil
        defer {
            interrupt.abort()
            source?.close()
        }
        do {
            guard let opened = try open(interrupt) else { return .stopped }
            source = opened
            report(.connected(camera: camera, transport: opened.transport))
            try stream(
                opened, into: recorder, timeline: &timeline, reconnect: &reconnect, streamingSince: &streamingSince)
            transition(.offline, .ended)
        } catch let error as MediaError {
            if error.code == .aborted || isStopping { return .stopped }
            let (state, reason) = CameraWorker.classify(error, wasStreaming: streamingSince != nil)
            transition(state, reason, error.message)
            if reason == .refusedURL { return .parked }
        } catch {
            if isStopping { return .stopped }
            transition(.offline, .recordingFailed, "\(error)")
        }
        return .ended(streamedFor: streamingSince.map { Double(clock.monotonicNanoseconds - $0) / 1e9 })
    }

    /// Opens the source within the connect limiter's bound; nil if stopped while waiting for a slot.
    private func open(_ interrupt: InterruptFlag) throws -> (any PacketSource)? {
        guard let limiter = configuration.connectLimiter else { return try opener.open(interrupt: interrupt) }
        guard limiter.acquire(unless: { isStopping }) else { return nil }
        defer { limiter.release() }
        return try opener.open(interrupt: interrupt)
    }

    /// Reads `source` until it ends (returns) or fails (throws): meters it, places each packet on the camera's
    /// timeline, records it, and reports keyframes and the ones to analyse.
    private func stream(
        _ source: any PacketSource, into recorder: any RecordingSink, timeline: inout TimestampSanitiser?,
        reconnect: inout ReconnectPolicy, streamingSince: inout UInt64?
    ) throws {
        let codec = source.codec
        // A new time base cannot continue the old timeline; the same one does, across reconnects.
        if let current = timeline, current.timeBase != codec.timeBase { timeline = nil }
        try recorder.begin(codec)
        defer { try? recorder.finish() }
        var meter = ThroughputMeter(startingAt: clock.monotonicNanoseconds)
        var keyframes = KeyframeSelector(analyses: configuration.analysis != nil)
        // Packets lost and frames dropped so far, as of the last keyframe handed to analysis.
        var lossMark = 0
        func analyse(_ keyframe: KeyframeSelector.Pending) {
            let lost = source.reception.map { $0.packetsLost + $0.framesDropped } ?? 0
            offerForAnalysis(keyframe, codec: codec, afterLoss: lost > lossMark)
            lossMark = lost
        }
        defer { if let held = keyframes.flush() { analyse(held) } }
        var placedOne = false
        var received = ReceptionCounts()
        var senderClock = SenderClockMeter(secondsPerTick: codec.timeBase.value)
        let packet = MediaPacket()
        while try source.read(into: packet) {
            let now = clock.monotonicNanoseconds
            let stamp = packet.dts ?? packet.pts
            if let reading = meter.count(bytes: packet.size, stamp: stamp, at: now) {
                reportThroughput(reading)
                reportReception(of: source, since: &received)
            }
            if let since = streamingSince {
                reconnect.stillStreaming(since: since, now: now)
            } else {
                streamingSince = now
                reconnect.connectionStreamed()
                transition(.streaming)
            }
            // Before a connection's first timestamp (RTCP not yet synchronised) a packet cannot be placed in time;
            // the recording starts at the next keyframe instead.
            if stamp == nil && !placedOne { continue }
            placedOne = true
            if timeline == nil { timeline = TimestampSanitiser(timeBase: codec.timeBase, anchor: clock.now) }
            let placed = timeline!.place(dts: packet.dts, pts: packet.pts, duration: packet.duration, arrival: now)
            if let discontinuity = placed.discontinuity { report(.discontinuity(camera: camera, discontinuity)) }
            guard let unit = try recorder.write(packet, at: placed) else { continue }
            if unit.openedSegment { report(.segmentOpened(camera: camera, path: unit.segment)) }
            let choice = keyframes.take(
                isKeyframe: packet.isKeyframe, stamp: stamp, size: packet.size, wallClock: placed.wallClock,
                payload: { packet.payload })
            if let ready = choice.readyForAnalysis { analyse(ready) }
            if choice.isNewKeyframe {
                measureClock(&senderClock, at: packet, from: source)
                report(
                    .keyframe(
                        RecordedKeyframe(
                            camera: camera, wallClock: placed.wallClock, seconds: placed.seconds, segment: unit.segment,
                            byteOffset: unit.byteOffset, size: packet.size)))
            }
        }
    }

    /// Analysis gets a copy; when it is behind, it skips (and counts) instead of waiting.
    private func offerForAnalysis(_ keyframe: KeyframeSelector.Pending, codec: StreamCodec, afterLoss: Bool) {
        configuration.analysis?.offer(
            camera: camera, codec: codec, wallClock: keyframe.wallClock, payload: keyframe.payload, afterLoss: afterLoss)
    }

    private func transition(_ state: HealthState, _ reason: HealthReason? = nil, _ detail: String? = nil) {
        report(
            .health(
                HealthTransition(
                    camera: camera, state: state, reason: reason, detail: detail, wallClock: clock.now,
                    monotonic: clock.monotonicNanoseconds)))
        logger.info("camera \(state.rawValue)", metadata: reason.map { ["reason": "\($0.rawValue)"] } ?? [:])
    }
}
