public import Events
import Foundation
import HTTPTypes
public import ServiceLifecycle
import Synchronization

/// Fans the events the engine records out to every live Server-Sent Events stream.
///
/// `publish` is called on the event writer's thread and never blocks it: each subscriber has a bounded buffer and
/// a slow one loses its oldest events (it can re-read them from `/api/events`). As a service it ends every stream on
/// graceful shutdown, so the HTTP server can finish its requests and stop.
public final class EventFeed: Service, Sendable {
    private let subscribers = Mutex<(next: Int, streams: [Int: AsyncStream<Event>.Continuation], closed: Bool)>((0, [:], false))

    public init() {}

    /// Hands events to every subscriber.
    public func publish(_ events: [Event]) {
        let streams = subscribers.withLock { Array($0.streams.values) }
        for stream in streams {
            for event in events { stream.yield(event) }
        }
    }

    /// A stream of events recorded from now on; it ends when the consumer stops iterating or the feed closes.
    public func subscribe(buffer: Int = 1000) -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(buffer))
        let id: Int? = subscribers.withLock { state in
            guard !state.closed else { return nil }
            state.next += 1
            state.streams[state.next] = continuation
            return state.next
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.streams.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many streams are open (for `/metrics`).
    public var subscriberCount: Int { subscribers.withLock { $0.streams.count } }

    /// Ends every stream and refuses new ones.
    public func close() {
        let streams = subscribers.withLock { state in
            state.closed = true
            defer { state.streams = [:] }
            return Array(state.streams.values)
        }
        for stream in streams { stream.finish() }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        close()
    }
}
