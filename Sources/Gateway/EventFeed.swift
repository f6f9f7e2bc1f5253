public import Events
import Foundation
import HTTPTypes
public import ServiceLifecycle
import Synchronization

/// Fans the events the engine records out to every live Server-Sent Events stream.
///
/// `publish` is called on the event writer's thread and never blocks it: each subscriber has a bounded buffer and
/// a slow one loses its oldest events (it can re-read them from `/api/events`). Streams are capped per token and in
/// total, and each belongs to the token that opened it: revoking the token ends them at once (through the API) or
/// within `recheckInterval` (revoked from the CLI, another process). As a service it ends every stream on graceful
/// shutdown, so the HTTP server can finish its requests and stop.
public final class EventFeed: Service, Sendable {
    /// A stream and the token it was opened with.
    private struct Subscriber {
        var owner: String
        var continuation: AsyncStream<Event>.Continuation
    }

    private let subscribers = Mutex<(next: Int, streams: [Int: Subscriber], closed: Bool)>((0, [:], false))
    /// Streams one token may hold open at once.
    public let maximumPerToken: Int
    /// Streams open at once, for all tokens together.
    public let maximumTotal: Int
    /// How often the owners of open streams are checked against the token store.
    public let recheckInterval: Duration
    /// Which of the given token IDs are still valid; asked every `recheckInterval` with the tokens that hold streams.
    private let validTokens: @Sendable (Set<String>) async -> Set<String>

    public init(
        maximumPerToken: Int = 4, maximumTotal: Int = 256, recheckInterval: Duration = .seconds(5),
        validTokens: @escaping @Sendable (Set<String>) async -> Set<String> = { $0 }
    ) {
        self.maximumPerToken = maximumPerToken
        self.maximumTotal = maximumTotal
        self.recheckInterval = recheckInterval
        self.validTokens = validTokens
    }

    /// Hands events to every subscriber.
    public func publish(_ events: [Event]) {
        let streams = subscribers.withLock { $0.streams.values.map(\.continuation) }
        for stream in streams {
            for event in events { stream.yield(event) }
        }
    }

    /// A stream of events recorded from now on for the token `owner` (its ID); it ends when the consumer stops
    /// iterating, the token is revoked or the feed closes. Nil when `owner` or everyone holds the most streams allowed.
    public func subscribe(owner: String, buffer: Int = 1000) -> AsyncStream<Event>? {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(buffer))
        enum Admission { case admitted(Int), feedClosed, full }
        let admission = subscribers.withLock { state -> Admission in
            guard !state.closed else { return .feedClosed }
            guard state.streams.count < maximumTotal,
                state.streams.values.count(where: { $0.owner == owner }) < maximumPerToken
            else { return .full }
            state.next += 1
            state.streams[state.next] = Subscriber(owner: owner, continuation: continuation)
            return .admitted(state.next)
        }
        let id: Int
        switch admission {
        case .full: return nil
        case .feedClosed:
            continuation.finish()
            return stream
        case .admitted(let admitted): id = admitted
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.streams.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many streams are open (for `/metrics`).
    public var subscriberCount: Int { subscribers.withLock { $0.streams.count } }

    /// Ends the streams of the token `owner` (revoked).
    public func closeStreams(of owner: String) {
        let streams = subscribers.withLock { state in
            let ids = state.streams.filter { $0.value.owner == owner }.map(\.key)
            return ids.compactMap { state.streams.removeValue(forKey: $0)?.continuation }
        }
        for stream in streams { stream.finish() }
    }

    /// Ends every stream and refuses new ones.
    public func close() {
        let streams = subscribers.withLock { state in
            state.closed = true
            defer { state.streams = [:] }
            return state.streams.values.map(\.continuation)
        }
        for stream in streams { stream.finish() }
    }

    /// Ends the streams of every owner that is no longer valid.
    func revalidate() async {
        let owners = Set(subscribers.withLock { $0.streams.values.map(\.owner) })
        guard !owners.isEmpty else { return }
        let valid = await validTokens(owners)
        for owner in owners.subtracting(valid) { closeStreams(of: owner) }
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.recheckInterval)
                await self.revalidate()
            }
        }
        close()
    }
}
