import Foundation
import Logging
import MediaIO
import Synchronization

/// What a camera worker reports, on its own thread.
public enum WorkerEvent: Sendable {
    case health(HealthTransition)
    case discontinuity(camera: String, TimestampDiscontinuity)
    /// A keyframe was recorded: where it is on the timeline and on disk.
    case keyframe(RecordedKeyframe)
    case segmentOpened(camera: String, path: String)
    /// About once a second while streaming: bytes and video frames received since the last report.
    case throughput(camera: String, bytes: Int, frames: Int, seconds: Double)
}

/// A keyframe as recording placed it.
public struct RecordedKeyframe: Sendable, Equatable {
    public var camera: String
    /// Seconds on the camera's timeline, and the wall-clock time it corresponds to.
    public var seconds: Double
    public var wallClock: Date
    public var segment: String
    public var byteOffset: Int64
    public var size: Int
}

/// How a worker connects, records and reconnects.
public struct WorkerConfiguration: Sendable {
    /// Open and read deadlines; RTSP over TCP.
    public var demux = DemuxOptions()
    /// Where this camera's segments go.
    public var segmentDirectory: String
    /// Segment length: a new segment starts at the first keyframe after this many seconds.
    public var segmentDuration: Double = 60
    /// Reconnect waits.
    public var backoff = Backoff()
    /// A connection that streamed resets the backoff, so a camera that drops now and then is back within a second
    /// while one that fails at every connect waits longer and longer. A connection that streamed for less than this
    /// many seconds counts as short; after `flappingAfter` short ones in a row the backoff keeps growing, so a camera
    /// that accepts and drops at once cannot make the gateway reconnect in a tight loop.
    public var healthyAfter: Double = 5
    public var flappingAfter = 3
    /// Where keyframes go for analysis (decoded on a shared pool); nil for recording and indexing only.
    public var analysis: AnalysisPool?
    /// Shared with the other workers of a supervisor to bound simultaneous connects; nil for no bound.
    public var connectLimiter: ConnectLimiter?

    public init(segmentDirectory: String) {
        self.segmentDirectory = segmentDirectory
    }
}

/// One camera's connection, on a thread of its own: connect, record, reconnect, until stopped.
///
/// Every blocking libav call runs on that thread, under the deadlines of `WorkerConfiguration.demux`; `stop()` aborts
/// whatever call is blocked, from any thread, so a deleted camera's worker ends at once.
public final class CameraWorker: Sendable {
    public let camera: String
    private let connectionURL: String
    private let configuration: WorkerConfiguration
    private let report: @Sendable (WorkerEvent) -> Void
    private let control = Mutex<(stopping: Bool, interrupt: InterruptFlag?)>((false, nil))
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let logger: Logger

    /// - Parameters:
    ///   - connectionURL: the stream URL with its credentials; it is never logged or reported.
    ///   - report: called on the worker's thread for every event; keep it short.
    public init(
        camera: String, connectionURL: String, configuration: WorkerConfiguration,
        report: @escaping @Sendable (WorkerEvent) -> Void
    ) {
        self.camera = camera
        self.connectionURL = connectionURL
        self.configuration = configuration
        self.report = report
        var logger = Logger(label: "skygate.ingest")
        logger[metadataKey: "camera"] = "\(camera)"
        self.logger = logger
    }

    /// Starts the worker's thread.
    public func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "camera-\(camera)"
        thread.start()
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

    private func transition(_ state: HealthState, _ reason: HealthReason? = nil, _ detail: String? = nil) {
        report(
            .health(
                HealthTransition(
                    camera: camera, state: state, reason: reason, detail: detail, wallClock: Date(), monotonic: monotonicNow())))
        logger.info("camera \(state.rawValue)", metadata: reason.map { ["reason": "\($0.rawValue)"] } ?? [:])
    }

    private func run() {
        var sanitiser: TimestampSanitiser? = nil
        var backoff = configuration.backoff
        var shortConnections = 0
        var segments = 0
        while !isStopping {
            transition(.connecting)
            let interrupt = InterruptFlag()
            control.withLock { $0.interrupt = interrupt }
            if isStopping { break }
            var streamingSince: UInt64? = nil
            // Held outside the `do` so the connection is closed only after its state was reported (see below).
            var connection: Demuxer? = nil
            do {
                if let limiter = configuration.connectLimiter {
                    guard limiter.acquire(unless: { isStopping }) else { break }
                    defer { limiter.release() }
                    connection = try Demuxer(source: .url(connectionURL), options: configuration.demux, interrupt: interrupt)
                } else {
                    connection = try Demuxer(source: .url(connectionURL), options: configuration.demux, interrupt: interrupt)
                }
                let demuxer = connection!
                if let current = sanitiser, current.timeBase != demuxer.videoTimeBase { sanitiser = nil }
                let writer = try SegmentWriter(
                    recording: demuxer, directory: configuration.segmentDirectory, maximumDuration: configuration.segmentDuration
                ) { _ in
                    segments += 1
                    return String(format: "%013lld-%06d.ts", Int64(Date().timeIntervalSince1970 * 1000), segments)
                }
                let timeBase = demuxer.videoTimeBase
                let codec = demuxer.videoCodec
                defer { try? writer.finishSegment() }
                var meter = (since: monotonicNow(), bytes: 0, frames: 0)
                var lastStamp: Int64? = nil
                let packet = MediaPacket()
                var lastKeyframeRaw: Int64? = nil
                // The keyframe waiting to go to analysis: of several key packets with one timestamp, the largest.
                var forAnalysis: (wallClock: Date, payload: [UInt8])? = nil
                defer {
                    if let waiting = forAnalysis {
                        configuration.analysis?.offer(
                            camera: camera, codec: codec, wallClock: waiting.wallClock, payload: waiting.payload)
                    }
                }
                var placedOne = false
                while try demuxer.readVideoPacket(into: packet) {
                    let now = monotonicNow()
                    meter.bytes += packet.size
                    // Pictures, not packets: encoders send two packets with one timestamp at keyframes.
                    let stamp = packet.dts ?? packet.pts
                    if stamp == nil || stamp != lastStamp { meter.frames += 1 }
                    lastStamp = stamp
                    if now - meter.since >= 1_000_000_000 {
                        report(
                            .throughput(
                                camera: camera, bytes: meter.bytes, frames: meter.frames, seconds: Double(now - meter.since) / 1e9
                            ))
                        meter = (now, 0, 0)
                    }
                    if streamingSince == nil {
                        streamingSince = now
                        if shortConnections < configuration.flappingAfter { backoff.reset() }
                        transition(.streaming)
                    } else if shortConnections > 0, let since = streamingSince,
                        Double(now - since) / 1e9 > configuration.healthyAfter
                    {
                        shortConnections = 0
                        backoff.reset()
                    }
                    // Before a connection's first timestamp (RTCP not yet synchronised) a packet cannot be placed in
                    // time; the recording starts at the next keyframe instead.
                    if packet.dts == nil && packet.pts == nil && !placedOne { continue }
                    placedOne = true
                    if sanitiser == nil { sanitiser = TimestampSanitiser(timeBase: timeBase, anchor: Date()) }
                    let placed = sanitiser!.place(dts: packet.dts, pts: packet.pts, duration: packet.duration, arrival: now)
                    if let discontinuity = placed.discontinuity { report(.discontinuity(camera: camera, discontinuity)) }
                    guard let unit = try writer.write(packet, dts: placed.dts, pts: placed.pts) else { continue }
                    if unit.openedSegment { report(.segmentOpened(camera: camera, path: unit.segment)) }
                    // One keyframe per raw timestamp (encoders may send two pictures with one), at the first
                    // packet's offset, which is where a cut must start.
                    let raw = packet.dts ?? packet.pts
                    let repeatsKeyframe = packet.isKeyframe && raw != nil && raw == lastKeyframeRaw
                    if repeatsKeyframe, let waiting = forAnalysis, packet.size > waiting.payload.count {
                        // The encoder sent two pictures with one timestamp; the small one (about 200 bytes from the
                        // simulator's x264) decodes to a flat picture, so analysis takes the larger.
                        forAnalysis = (waiting.wallClock, packet.payload)
                    } else if !repeatsKeyframe, let waiting = forAnalysis {
                        // Analysis gets a copy; when it is behind, the pool skips (and counts) instead of waiting.
                        configuration.analysis?.offer(
                            camera: camera, codec: codec, wallClock: waiting.wallClock, payload: waiting.payload)
                        forAnalysis = nil
                    }
                    if packet.isKeyframe && (raw == nil || raw != lastKeyframeRaw) {
                        lastKeyframeRaw = raw
                        report(
                            .keyframe(
                                RecordedKeyframe(
                                    camera: camera, seconds: placed.seconds, wallClock: placed.wallClock, segment: unit.segment,
                                    byteOffset: unit.byteOffset, size: packet.size)))
                        if configuration.analysis != nil { forAnalysis = (placed.wallClock, packet.payload) }
                    }
                }
                transition(.offline, .ended)
            } catch let error as MediaError {
                if error.code == .aborted || isStopping { break }
                let (state, reason) = CameraWorker.classify(error, wasStreaming: streamingSince != nil)
                transition(state, reason, error.message)
                if reason == .refusedURL {
                    // The URL will not become acceptable by waiting; a registry change replaces this worker.
                    while !isStopping { _ = wake.wait(timeout: .now() + 3600) }
                    break
                }
            } catch {
                if isStopping { break }
                transition(.offline, .recordingFailed, "\(error)")
            }
            // A connection that failed or ended gets no polite TEARDOWN: aborting first makes the close return at once
            // instead of spending another read timeout on a dead peer.
            interrupt.abort()
            connection = nil
            control.withLock { $0.interrupt = nil }
            // Wait before reconnecting; stop() wakes the wait at once.
            if let since = streamingSince, Double(monotonicNow() - since) / 1e9 < configuration.healthyAfter {
                shortConnections += 1
            }
            _ = wake.wait(timeout: .now() + backoff.next())
        }
        transition(.stopped)
    }

    /// The state and reason an error means: a read timeout while streaming is a stall, anything else is offline.
    static func classify(_ error: MediaError, wasStreaming: Bool) -> (HealthState, HealthReason) {
        switch error.code {
        case .timeout: return wasStreaming ? (.stalled, .noData) : (.offline, .timeout)
        case .refusedURL: return (.offline, .refusedURL)
        case .writeFailed: return (.offline, .recordingFailed)
        case .noVideoStream: return (.offline, .noVideoStream)
        case .readFailed, .decodeFailed, .invalidData, .unsupportedCodec, .unsupportedPixelFormat:
            return (
                .offline, error.message.contains("401") ? .unauthorised : error.message.contains("404") ? .notFound : .readError
            )
        case .openFailed, .fileNotFound, .aborted:
            if error.message.contains("401") { return (.offline, .unauthorised) }
            if error.message.contains("404") { return (.offline, .notFound) }
            return (.offline, .refused)
        }
    }
}

/// Nanoseconds on the monotonic clock.
func monotonicNow() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
