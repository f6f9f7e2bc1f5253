import Foundation

/// Exponential backoff with full jitter: each wait is uniform in [0, min(cap, base·2ⁿ)], so cameras that fell
/// together (a switch rebooted) do not all come back in the same instant.
public struct Backoff: Sendable {
    /// Whether waits are drawn at random below the ceiling (`full`, the service) or are the ceiling itself (`none`,
    /// for tests that replay a history and need exact waits).
    public enum Jitter: Sendable { case full, none }

    public var base: Double = 1
    public var cap: Double = 30
    public var jitter = Jitter.full
    private var attempt = 0

    public init(base: Double = 1, cap: Double = 30, jitter: Jitter = .full) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The next wait, in seconds.
    public mutating func next() -> Double {
        let ceiling = min(cap, base * pow(2, Double(attempt)))
        attempt = min(attempt + 1, 30)
        return jitter == .full ? Double.random(in: 0...ceiling) : ceiling
    }

    /// After healthy streaming: start again from the base.
    public mutating func reset() { attempt = 0 }
}

/// When a camera worker reconnects: the backoff, reset by a connection that streamed, unless the camera flaps.
///
/// A connection that streamed resets the backoff, so a camera that drops now and then is back within a second while
/// one that fails at every connect waits longer and longer. A connection that streamed for less than `healthyAfter`
/// seconds counts as short; after `flappingAfter` short ones in a row the backoff keeps growing, so a camera that
/// accepts and drops at once cannot make the gateway reconnect in a tight loop (DESIGN-NOTES: measured 15–25 s
/// reconnects after a long outage when only 10 s of streaming reset the backoff).
public struct ReconnectPolicy: Sendable {
    private var backoff: Backoff
    private let healthyAfter: Double
    private let flappingAfter: Int
    /// Short connections in a row.
    public private(set) var shortConnections = 0

    public init(backoff: Backoff, healthyAfter: Double, flappingAfter: Int) {
        self.backoff = backoff
        self.healthyAfter = healthyAfter
        self.flappingAfter = flappingAfter
    }

    /// Whether the camera counts as flapping: its backoff is no longer reset by a connection that streams.
    public var isFlapping: Bool { shortConnections >= flappingAfter }

    /// A connection delivered its first packet.
    public mutating func connectionStreamed() {
        if !isFlapping { backoff.reset() }
    }

    /// A connection has been streaming since `start` (monotonic nanoseconds): long enough, and a flapping history is
    /// forgiven. Called for every packet, so it does nothing (not even the arithmetic) without a history to forgive.
    public mutating func stillStreaming(since start: UInt64, now: UInt64) {
        guard shortConnections > 0, Double(now - start) / 1e9 > healthyAfter else { return }
        shortConnections = 0
        backoff.reset()
    }

    /// A connection ended after streaming for `seconds` (nil: it never streamed); the wait before the next connect.
    public mutating func waitAfterConnection(streamedFor seconds: Double?) -> Double {
        if let seconds, seconds < healthyAfter { shortConnections += 1 }
        return backoff.next()
    }
}
