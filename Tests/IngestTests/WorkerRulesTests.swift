import Foundation
import Ingest
import MediaIO
import Testing

/// The camera worker's rules, replayed with a scripted packet source and a virtual clock: each test runs in
/// milliseconds what the live tests take seconds of wall-clock time to show.
@Suite("Camera worker rules, scripted")
struct WorkerRulesTests {
    static let refused = ScriptedConnection.refuse(MediaError(.openFailed, "cannot open 'rtsp://…': Connection refused"))

    @Test("failed connects back off exponentially; a connection that streamed resets the backoff")
    func backoff() {
        let failing = ScriptedWorker([Self.refused, Self.refused, Self.refused])
        failing.run()
        #expect(failing.clock.waits == [1, 2, 4])
        #expect(failing.events.health.filter { $0.state == .offline }.map(\.reason) == [.refused, .refused, .refused])

        let recovering = ScriptedWorker([
            Self.refused, Self.refused, .stream(ScriptStep.frames(seconds: 10) + [.end]), Self.refused,
        ])
        recovering.run()
        #expect(recovering.clock.waits == [1, 2, 1, 2])
        #expect(
            recovering.events.health.map(\.state).filter { $0 != .connecting } == [
                .offline, .offline, .streaming, .offline, .offline, .stopped,
            ])
        #expect(recovering.events.health.filter { $0.state == .offline }.map(\.reason) == [.refused, .refused, .ended, .refused])
    }

    @Test("full jitter keeps every wait within its ceiling")
    func jitter() {
        let worker = ScriptedWorker(Array(repeating: Self.refused, count: 8))
        worker.run(backoff: Backoff(base: 1, cap: 5))
        let ceilings: [Double] = [1, 2, 4, 5, 5, 5, 5, 5]
        #expect(worker.clock.waits.count == 8)
        #expect(zip(worker.clock.waits, ceilings).allSatisfy { $0 >= 0 && $0 <= $1 })
    }

    @Test("a camera that accepts and drops at once keeps backing off; a long connection forgives it")
    func flapping() {
        let short = ScriptedConnection.stream(ScriptStep.frames(seconds: 1) + [.end])
        let long = ScriptedConnection.stream(ScriptStep.frames(seconds: 10) + [.end])
        let worker = ScriptedWorker([short, short, short, short, short, long, Self.refused])
        worker.run()
        // Three short connections still reset the backoff; from the fourth on it grows. The long one (10 s > 5 s)
        // resets it and clears the history.
        #expect(worker.clock.waits == [1, 1, 1, 2, 4, 1, 2])
    }

    @Test("a read timeout while streaming is a stall; before the first packet, or at the open, it is a timeout")
    func stalls() {
        let worker = ScriptedWorker([
            .stream(ScriptStep.frames(seconds: 2) + [.stall]),
            .stream([.stall]),
            .refuse(MediaError(.timeout, "opening 'rtsp://…' timed out after 10 s")),
        ])
        let health = worker.run().filter { $0.state != .connecting }
        #expect(health.map(\.state) == [.streaming, .stalled, .offline, .offline, .stopped])
        #expect(health.map(\.reason) == [nil, .noData, .timeout, .timeout, nil])
        // The stall is reported when the read deadline (2 s) passed after the last packet.
        let lastKeyframe = worker.events.keyframes.last!.wallClock
        let stalled = health[1].wallClock
        #expect(abs(stalled.timeIntervalSince(lastKeyframe) - (0.96 + 2)) < 0.05)
    }

    @Test("two key packets with one timestamp: one keyframe at the first's offset, both analysed as one picture")
    func twinKeyPackets() {
        let steps: [ScriptStep] = [
            .packet(dts: 0, key: true, size: 200), .packet(dts: 0, key: true, size: 1400, after: 0),
            .packet(dts: 3600, key: false, size: 300),
            .packet(dts: 7200, key: true, size: 1400), .packet(dts: 7200, key: true, size: 200, after: 0),
            .packet(dts: 10800, key: false, size: 300),
            .packet(dts: 14400, key: true, size: 900),
            .end,
        ]
        let worker = ScriptedWorker([.stream(steps)])
        worker.run()
        let keyframes = worker.events.keyframes
        #expect(keyframes.map(\.byteOffset) == [0, 1900, 3800])
        #expect(keyframes.map(\.size) == [200, 1400, 900])
        // The last keyframe, held back until the connection ended, is analysed too.
        #expect(worker.analysis.sizes == [1600, 1600, 900])
        #expect(worker.recorder.written.count == 7)
    }

    @Test("without analysis no payload is kept, and keyframes are still indexed once per timestamp")
    func noAnalysis() {
        let worker = ScriptedWorker([.stream([.packet(dts: 0, key: true), .packet(dts: 0, key: true, after: 0), .end])])
        worker.run(analyses: false)
        #expect(worker.events.keyframes.count == 1)
        #expect(worker.analysis.sizes.isEmpty)
    }

    @Test("packets before a connection's first timestamp are not recorded; recording starts at a keyframe")
    func untimedStart() {
        let steps: [ScriptStep] = [
            .packet(dts: nil, key: true), .packet(dts: 3600, key: false), .packet(dts: 7200, key: true),
            .packet(dts: 10800, key: false), .end,
        ]
        let worker = ScriptedWorker([.stream(steps)])
        worker.run()
        #expect(worker.recorder.written.map(\.key) == [true, false])
        #expect(worker.events.keyframes.count == 1)
    }

    @Test("a timestamp reset is recorded as a discontinuity; the timeline goes on, across reconnects too")
    func discontinuities() {
        let worker = ScriptedWorker([
            .stream(ScriptStep.frames(seconds: 3, from: 900_000) + ScriptStep.frames(seconds: 3) + [.end]),
            .stream(ScriptStep.frames(seconds: 2, from: 5_000_000) + [.end]),
        ])
        worker.run()
        let kinds = worker.events.discontinuities.map(\.kind)
        #expect(kinds.first == .reset)
        let seconds = worker.events.keyframes.map(\.seconds)
        #expect(seconds.count == 8)
        #expect(zip(seconds, seconds.dropFirst()).allSatisfy { $0 < $1 }, "\(seconds)")
        let written = worker.recorder.written.map(\.dts)
        #expect(zip(written, written.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("throughput counts pictures, not packets, about once a second")
    func throughput() {
        var steps: [ScriptStep] = []
        for frame in 0..<75 {
            let key = frame % 25 == 0
            steps.append(.packet(dts: Int64(frame) * 3600, key: key, size: 500))
            if key { steps.append(.packet(dts: Int64(frame) * 3600, key: true, size: 100, after: 0)) }
        }
        let worker = ScriptedWorker([.stream(steps + [.end])])
        worker.run()
        let readings = worker.events.throughput
        // 75 pictures in 78 packets over 3 s: three readings of 25 pictures a second.
        #expect(readings.map(\.frames) == [25, 25, 25], "\(readings)")
        #expect(readings.allSatisfy { abs($0.seconds - 1) < 1e-6 })
        #expect(readings.map(\.bytes) == [500 * 25 + 100, 500 * 25 + 100, 500 * 25 + 100])
    }

    @Test("a URL the policy refuses parks the worker: no retry until it is replaced")
    func refusedURLParks() {
        let worker = ScriptedWorker([.refuse(MediaError(.refusedURL, "the scheme 'file' is not allowed")), Self.refused])
        worker.run(stopWhen: { event in
            if case .health(let transition) = event { return transition.reason == .refusedURL }
            return false
        })
        #expect(worker.opener.opens.withLock { $0 } == 1)
        #expect(worker.events.health.last?.state == .stopped)
        #expect(worker.clock.waits.isEmpty)
    }

    @Test(
        "refusals are told by their code, not by digits in the URL",
        arguments: [
            (MediaError(.openFailed, "cannot open 'rtsp://127.0.0.1:4040/401': Connection refused"), HealthReason.refused),
            (MediaError(.invalidData, "cannot open 'rtsp://cam404.example/404': Invalid data"), .readError),
            (MediaError.refused(.unauthorised, "cannot open 'rtsp://127.0.0.1/404': Server returned 401"), .unauthorised),
            (MediaError.refused(.forbidden, "cannot open 'rtsp://127.0.0.1/x': Server returned 403"), .unauthorised),
            (MediaError.refused(.notFound, "cannot open 'rtsp://127.0.0.1:401/x': Server returned 404"), .notFound),
            (MediaError.refused(.serverError, "cannot open 'rtsp://127.0.0.1/x': Server returned 5XX"), .refused),
        ])
    func classification(_ example: (MediaError, HealthReason)) {
        let worker = ScriptedWorker([.refuse(example.0)])
        let offline = worker.run().first { $0.state == .offline }
        #expect(offline?.reason == example.1)
    }
}

extension LiveWorkerTests.Events {
    /// The throughput reports, in order.
    var throughput: [(bytes: Int, frames: Int, seconds: Double)] {
        all.compactMap {
            if case .throughput(_, let bytes, let frames, let seconds, _) = $0 { (bytes, frames, seconds) } else { nil }
        }
    }
}
