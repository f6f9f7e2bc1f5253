import Archive
import Foundation
import MediaIO

/// Runs one patrol visit on the calling thread (a patrol thread, never the cooperative pool): connect under the
/// deadlines, read until `keyframes` keyframes are analysed or `deadline` seconds have passed, disconnect.
struct PatrolVisitor {
    /// Keyframes to analyse per visit.
    var keyframes = 3
    /// Seconds a visit may last once connected; the connection itself is bounded by the opener's open timeout.
    var deadline: Double = 10

    func visit(camera: String, opener: any PacketSourceOpener, interrupt: InterruptFlag = InterruptFlag()) -> PatrolVisit {
        let startedAt = Date()
        let start = monotonicNanoseconds()
        func elapsed() -> Double { Double(monotonicNanoseconds() - start) / 1e9 }
        var collected: VisitKeyframes?
        var connected = false
        var failure: HealthReason?
        do {
            let source = try opener.open(interrupt: interrupt)
            defer { source.close() }
            connected = true
            var keyframes = VisitKeyframes(camera: camera, codec: source.codec)
            defer { collected = keyframes }
            let packet = MediaPacket()
            let connectedAt = elapsed()
            // A read that fails after keyframes came still leaves them to judge (below), then gives the visit's reason.
            var readFailure: (any Error)?
            do {
                while keyframes.analysed.count < self.keyframes, elapsed() - connectedAt < deadline,
                    try source.read(into: packet)
                {
                    try keyframes.take(packet, senderClockAtZero: source.senderClockAtZero)
                }
            } catch {
                readFailure = error
            }
            keyframes.packetsLost = source.reception?.packetsLost
            try keyframes.finish(wanted: self.keyframes)
            if let readFailure { throw readFailure }
        } catch let error as MediaError {
            failure = CameraWorker.classify(error, wasStreaming: connected).1
        } catch {
            failure = .readError
        }
        var analysed = collected?.analysed ?? []
        // Damage the decoder concealed after packets went missing on the way is the network's, not the camera's.
        if (collected?.packetsLost ?? 0) > 0 {
            for index in analysed.indices { analysed[index].concealed = nil }
        }
        let outcome: PatrolVisit.Outcome = !analysed.isEmpty ? .ok : connected ? .noKeyframe : .unreachable
        return PatrolVisit(
            camera: camera, startedAt: startedAt, duration: elapsed(), outcome: outcome,
            reason: outcome == .ok ? nil : (failure ?? .noData).rawValue, keyframes: analysed, stream: collected?.facts)
    }
}

/// The keyframes of one visit's connection: chosen by the recorder's rules, analysed, and the stream measured. Lives
/// on the visit's thread, with the decoder it makes.
private struct VisitKeyframes {
    let camera: String
    let codec: StreamCodec
    private(set) var analysed: [FrameStats] = []
    private var meter: StreamFactsMeter
    private var clock: SenderClockMeter
    /// The recorder's rule for twin key pictures (one timestamp, two packets): one keyframe, the larger analysed.
    private var selector = KeyframeSelector(analyses: true)
    /// Made at the first keyframe: a camera that never sends one costs no decoder.
    private var analyzer: KeyframeAnalyzer?
    /// A keyframe that came before any timestamp: judged only if the visit ends with no other.
    private var untimedKeyframe: [UInt8]?
    /// RTP packets the source lost while it was read; nil for sources not carried over RTP.
    var packetsLost: Int?

    init(camera: String, codec: StreamCodec) {
        self.camera = camera
        self.codec = codec
        meter = StreamFactsMeter(secondsPerTick: codec.timeBase.value)
        clock = SenderClockMeter(secondsPerTick: codec.timeBase.value)
    }

    var facts: StreamFacts {
        var facts = meter.facts(codec: codec.name, width: codec.width, height: codec.height)
        facts.declaredFrameRate = analyzer?.declaredFrameRate
        facts.clockOffset = clock.offset
        facts.packetsLost = packetsLost
        return facts
    }

    /// One packet; `senderClockAtZero` is the camera's wall clock at timestamp 0 (microseconds), once it told it.
    mutating func take(_ packet: MediaPacket, senderClockAtZero: Int64?) throws {
        // As the recorder does: a packet without a timestamp (a connection's first, before RTCP) cannot be placed, nor
        // told from its twin; the visit starts at the next keyframe.
        guard let stamp = packet.dts ?? packet.pts else {
            if packet.isKeyframe, untimedKeyframe == nil { untimedKeyframe = packet.payload }
            return
        }
        let arrival = Date()
        let choice = selector.take(
            isKeyframe: packet.isKeyframe, stamp: stamp, size: packet.size, wallClock: arrival, payload: { packet.payload })
        if choice.isNewKeyframe { clock.keyframe(pts: packet.pts, senderClockAtZero: senderClockAtZero, arrival: arrival) }
        if packet.isKeyframe && !choice.isNewKeyframe {
            meter.addTwin(size: packet.size)
        } else {
            meter.add(timestamp: packet.pts ?? packet.dts, size: packet.size, isKeyframe: choice.isNewKeyframe)
        }
        if let ready = choice.readyForAnalysis { try analyse(ready.payload) }
    }

    /// The visit's reading ended: the keyframe held back for its twin is analysed, and, with nothing else, the untimed
    /// first one. Cameras start a session at a keyframe, and that one comes untimed: with a GOP longer than the visit
    /// (a "smart codec"), it is the only picture there is, and without it the camera would count as offline.
    mutating func finish(wanted: Int) throws {
        if analysed.count < wanted, let held = selector.flush() { try analyse(held.payload) }
        if analysed.isEmpty, let untimedKeyframe { try analyse(untimedKeyframe) }
    }

    private mutating func analyse(_ payload: [UInt8]) throws {
        if analyzer == nil { analyzer = try KeyframeAnalyzer(codec: codec, source: camera) }
        // A keyframe that does not decode is not counted; the visit waits for the next one.
        if let stats = try? analyzer?.analyze(payload) { analysed.append(stats) }
    }
}
