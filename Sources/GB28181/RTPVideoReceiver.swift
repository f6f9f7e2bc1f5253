import Dispatch
import Foundation
import MediaIO
import NIOCore
import NIOPosix
import Synchronization

/// The receiving end of one invited channel's video: a UDP port, or a TCP port this side listens on (RFC 4571
/// framing), whose RTP packets go through the SSRC check, the reorder window (UDP) and the frame gate on the event
/// loop; whole PS frames wait in a short queue for the camera's worker thread, which takes them with `next`.
public final class RTPVideoReceiver: Sendable {
    /// What was received, for status and metrics.
    public struct Counters: Sendable, Equatable {
        public var packets = 0
        /// Packets of another SSRC (another session's, or a stray sender's): dropped.
        public var foreign = 0
        /// Packets that were not RTP.
        public var malformed = 0
        /// Packets the reorder window gave up on (counted once per missing sequence number).
        public var lost = 0
        public var framesPassed = 0
        /// Frames dropped by the gate (broken, or waiting for a keyframe), or because the worker fell behind.
        public var framesDropped = 0
    }

    struct State: Sendable {
        var expectedSSRC: UInt32?
        var window = ReorderWindow()
        var gate = FrameGate()
        var framer = RFC4571Framer()
        var frames: [FrameGate.Frame] = []
        /// Packets, foreign, malformed and lost; the frame counts are the gate's (see `counted`).
        var counters = Counters()
        var closed = false
        /// Frames dropped because the worker fell behind.
        var overflow = 0

        var counted: Counters {
            var all = counters
            all.framesPassed = gate.passed
            all.framesDropped = gate.dropped + overflow
            return all
        }
    }

    /// Frames waiting beyond this many mean the worker is not keeping up; the oldest are dropped (a few seconds).
    static let queueLimit = 250
    /// What the event loop and the worker thread share.
    final class Shared: Sendable {
        let state: Mutex<State>
        /// Signalled once per frame queued (and on close).
        let arrived = DispatchSemaphore(value: 0)

        init(_ state: State) { self.state = Mutex(state) }
    }

    public let port: Int
    public let overTCP: Bool
    private let channel: any Channel
    private let shared: Shared

    /// Binds a port on `host` (0: any free port) for UDP, or listens on it for TCP.
    /// - Parameter ssrc: the SSRC offered; packets of another are dropped (`expect` changes it when the answer differs).
    public init(host: String, port: Int = 0, overTCP: Bool, ssrc: UInt32?) throws {
        let shared = Shared(State(expectedSSRC: ssrc))
        let group = MultiThreadedEventLoopGroup.singleton
        if overTCP {
            channel = try ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { child in
                    child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.addHandler(StreamHandler(shared))
                    }
                }
                .bind(host: host, port: port).wait()
        } else {
            channel = try DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                // A 4 Mbit/s camera's 2 s keyframe burst must not overflow the socket while the loop is busy.
                .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(DatagramHandler(shared))
                    }
                }
                .bind(host: host, port: port).wait()
        }
        self.shared = shared
        self.overTCP = overTCP
        self.port = channel.localAddress?.port ?? port
    }

    /// Adopts the SSRC the device answered with.
    public func expect(ssrc: UInt32) { shared.state.withLock { $0.expectedSSRC = ssrc } }

    public var counters: Counters { shared.state.withLock { $0.counted } }

    /// The next whole frame, waiting up to `timeout` seconds; nil on timeout or after `close`.
    /// Blocks: call it on the camera's worker thread, never on Swift's cooperative pool.
    public func next(timeout: Double) -> FrameGate.Frame? {
        let deadline = DispatchTime.now() + timeout
        while true {
            let (frame, closed) = shared.state.withLock { state -> (FrameGate.Frame?, Bool) in
                state.frames.isEmpty ? (nil, state.closed) : (state.frames.removeFirst(), false)
            }
            if let frame { return frame }
            if closed || shared.arrived.wait(timeout: deadline) == .timedOut { return nil }
        }
    }

    /// Whether `close` was called (by the source, or because the device ended the session).
    public var isClosed: Bool { shared.state.withLock { $0.closed } }

    /// Stops receiving; a waiting `next` returns nil.
    public func close() {
        shared.state.withLock { $0.closed = true }
        shared.arrived.signal()
        channel.close(promise: nil)
    }

    deinit { channel.close(promise: nil) }

    /// One RTP packet, on the event loop: SSRC check, then (UDP) the reorder window, then the gate.
    static func receive(_ bytes: ArraySlice<UInt8>, reordering: Bool, into shared: Shared) {
        let completed = shared.state.withLock { state -> Int in
            guard let packet = RTPPacket(bytes) else {
                state.counters.malformed += 1
                return 0
            }
            if let expected = state.expectedSSRC, packet.ssrc != expected {
                state.counters.foreign += 1
                return 0
            }
            state.counters.packets += 1
            let ordered: [RTPPacket?] = reordering ? state.window.add(packet, at: Double(monotonicNanoseconds()) / 1e9) : [packet]
            var frames: [FrameGate.Frame] = []
            for next in ordered {
                if next == nil { state.counters.lost += 1 }
                frames += state.gate.add(next)
            }
            state.frames += frames
            if state.frames.count > queueLimit {
                state.overflow += state.frames.count - queueLimit
                state.frames.removeFirst(state.frames.count - queueLimit)
            }
            return frames.count
        }
        for _ in 0..<completed { shared.arrived.signal() }
    }

    private final class DatagramHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let shared: Shared

        init(_ shared: Shared) { self.shared = shared }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data).data
            let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
            RTPVideoReceiver.receive(bytes[...], reordering: true, into: shared)
        }
    }

    /// RTP over TCP: in order by construction, so no reorder window; RFC 4571 lengths split the stream.
    private final class StreamHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let shared: Shared

        init(_ shared: Shared) { self.shared = shared }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
            let packets = shared.state.withLock { $0.framer.append(bytes) }
            for packet in packets {
                RTPVideoReceiver.receive(packet, reordering: false, into: shared)
            }
        }
    }
}
