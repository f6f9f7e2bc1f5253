import Dispatch
import Foundation
import Ingest
import MediaIO
import Synchronization

/// A clock that moves only when told: reads of a scripted source advance it by their packets' spacing, and a wait
/// advances it by the wait (unless `stop()` already woke the worker). A history of minutes replays in milliseconds.
final class VirtualClock: WorkerClock {
    private let state = Mutex<(nanoseconds: UInt64, waits: [Double])>((1_000_000_000, []))
    let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    var monotonicNanoseconds: UInt64 { state.withLock { $0.nanoseconds } }
    var now: Date { epoch.addingTimeInterval(Double(monotonicNanoseconds) / 1e9) }
    /// Every wait the worker made, in seconds.
    var waits: [Double] { state.withLock { $0.waits } }

    func advance(_ seconds: Double) { state.withLock { $0.nanoseconds += UInt64((seconds * 1e9).rounded()) } }

    func wait(seconds: Double, wakingOn wake: DispatchSemaphore) {
        if wake.wait(timeout: .now()) == .success { return }
        state.withLock {
            $0.waits.append(seconds)
            $0.nanoseconds += UInt64((seconds * 1e9).rounded())
        }
    }
}

/// One step of a scripted connection.
enum ScriptStep: Sendable {
    /// A packet arriving `after` seconds after the previous step.
    case packet(dts: Int64?, pts: Int64? = nil, key: Bool, size: Int = 100, after: Double = 0.04)
    /// No data: the read deadline passes.
    case stall
    /// The camera closes the connection.
    case end
    /// The read fails.
    case fail(MediaError)

    /// `seconds` of a 25 fps stream in the 90 kHz time base starting at `start`, a keyframe every `gop` frames.
    static func frames(seconds: Double, from start: Int64 = 0, gop: Int = 25) -> [ScriptStep] {
        (0..<Int(seconds * 25)).map { frame in
            .packet(dts: start + Int64(frame) * 3600, key: frame % gop == 0, size: frame % gop == 0 ? 1400 : 300)
        }
    }
}

/// A scripted connection attempt.
enum ScriptedConnection: Sendable {
    case refuse(MediaError)
    case stream([ScriptStep])
}

/// Opens scripted connections in order; once they are used up, every open is aborted (the worker ends).
final class ScriptedOpener: PacketSourceOpener {
    private let remaining: Mutex<[ScriptedConnection]>
    private let clock: VirtualClock
    private let readTimeout: Double
    let opens = Mutex(0)

    init(_ connections: [ScriptedConnection], clock: VirtualClock, readTimeout: Double = 2) {
        remaining = Mutex(connections)
        self.clock = clock
        self.readTimeout = readTimeout
    }

    func open(interrupt: InterruptFlag) throws -> any PacketSource {
        opens.withLock { $0 += 1 }
        guard let next = remaining.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else {
            throw MediaError(.aborted, "the script is over")
        }
        switch next {
        case .refuse(let error): throw error
        case .stream(let steps): return ScriptedSource(steps, clock: clock, readTimeout: readTimeout)
        }
    }
}

/// Plays a script of packets, stalls and failures in 90 kHz.
final class ScriptedSource: PacketSource {
    private var steps: [ScriptStep]
    private let clock: VirtualClock
    private let readTimeout: Double
    let codec: StreamCodec

    init(_ steps: [ScriptStep], clock: VirtualClock, readTimeout: Double) {
        self.steps = steps
        self.clock = clock
        self.readTimeout = readTimeout
        codec = StreamCodec.annexB(width: 320, height: 240, timeBase: Rational(1, 90_000))
    }

    func read(into packet: MediaPacket) throws -> Bool {
        guard !steps.isEmpty else { return false }
        switch steps.removeFirst() {
        case .packet(let dts, let pts, let key, let size, let after):
            clock.advance(after)
            // The first byte tells packets apart in the recorder; the size is what the selector compares.
            packet.fill(payload: [UInt8](repeating: key ? 1 : 0, count: size), pts: pts ?? dts, dts: dts, isKeyframe: key)
            return true
        case .stall:
            clock.advance(readTimeout)
            throw MediaError(.timeout, "no data for \(readTimeout) s")
        case .end:
            return false
        case .fail(let error):
            throw error
        }
    }

    func close() {}
}

/// Records in memory what a segment recorder would write: packets from each connection's first keyframe, at
/// increasing byte offsets, a new "segment" per connection.
final class MemoryRecorder: RecordingSink, Sendable {
    struct Written: Equatable {
        var segment: String
        var offset: Int64
        var size: Int
        var dts: Int64
        var key: Bool
    }

    private let state = Mutex<(segment: Int, started: Bool, offset: Int64, written: [Written])>((0, false, 0, []))

    var written: [Written] { state.withLock { $0.written } }

    func begin(_ codec: StreamCodec) throws {
        state.withLock {
            $0.segment += 1
            $0.started = false
            $0.offset = 0
        }
    }

    func write(_ packet: MediaPacket, at placed: SanitisedTimestamp) throws -> SegmentPosition? {
        state.withLock { state -> SegmentPosition? in
            guard state.started || packet.isKeyframe else { return nil }
            let opened = !state.started
            state.started = true
            let unit = SegmentPosition(segment: "segment-\(state.segment)", byteOffset: state.offset, openedSegment: opened)
            state.written.append(
                Written(segment: unit.segment, offset: state.offset, size: packet.size, dts: placed.dts, key: packet.isKeyframe))
            state.offset += Int64(packet.size)
            return unit
        }
    }

    func finish() throws {}
}

/// Keeps what the worker offered for analysis.
final class MemoryAnalysis: KeyframeAnalysisQueue {
    private let offered = Mutex<[(wallClock: Date, size: Int)]>([])

    var sizes: [Int] { offered.withLock { $0.map(\.size) } }

    func offer(camera: String, codec: StreamCodec, wallClock: Date, payload: [UInt8], afterLoss: Bool) {
        offered.withLock { $0.append((wallClock, payload.count)) }
    }
}

/// A worker over a scripted source, run on the test's thread with a virtual clock until the script is over or
/// `stopWhen` says so.
struct ScriptedWorker {
    let clock = VirtualClock()
    let events = LiveWorkerTests.Events()
    let recorder = MemoryRecorder()
    let analysis = MemoryAnalysis()
    let opener: ScriptedOpener

    init(_ connections: [ScriptedConnection]) {
        opener = ScriptedOpener(connections, clock: clock)
    }

    /// Runs the worker to its end and returns the health transitions it reported.
    @discardableResult
    func run(
        backoff: Backoff = Backoff(base: 1, cap: 30, jitter: .none), analyses: Bool = true,
        stopWhen: @escaping @Sendable (WorkerEvent) -> Bool = { _ in false }
    ) -> [HealthTransition] {
        var configuration = WorkerConfiguration(segmentDirectory: "/nonexistent")
        configuration.backoff = backoff
        configuration.analysis = analyses ? analysis : nil
        let worker = WorkerBox()
        let events = self.events
        let recorder = self.recorder
        let run = CameraWorker(
            camera: "cam", source: opener, configuration: configuration, clock: clock, recorder: { recorder }
        ) { event in
            events.add(event)
            if stopWhen(event) { worker.stop() }
        }
        worker.set(run)
        run.run()
        return events.health
    }
}

/// Lets a worker's report closure stop the worker it belongs to.
final class WorkerBox: Sendable {
    private let worker = Mutex<CameraWorker?>(nil)
    func set(_ value: CameraWorker) { worker.withLock { $0 = value } }
    func stop() { worker.withLock { $0 }?.stop() }
}
