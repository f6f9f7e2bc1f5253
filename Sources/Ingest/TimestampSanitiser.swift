public import Foundation
public import MediaIO

/// A break in a camera's timestamps that the sanitiser absorbed.
public struct TimestampDiscontinuity: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// The timestamps started again near zero (the camera or its encoder restarted).
        case reset
        /// The timestamps went back, but not to zero.
        case backward
        /// The timestamps leapt ahead by more than the allowed jump.
        case forwardJump
        /// MPEG-TS's 33-bit 90 kHz clock wrapped (every 26.5 hours); absorbed exactly.
        case wrap
        /// A packet had no timestamp; one was inferred from the previous packet.
        case missing
    }

    public var kind: Kind
    /// The raw decoding timestamp that broke the sequence, in the stream's time base (nil when missing).
    public var rawTimestamp: Int64?
    /// Where the timeline was when it happened, in seconds from the start of the camera's timeline.
    public var timelineSeconds: Double
}

/// One packet's place on the camera's monotonic timeline.
public struct SanitisedTimestamp: Sendable, Equatable {
    /// Decoding time on the timeline, in the stream's time base; strictly increasing (a repeated raw timestamp is
    /// placed one tick after the previous packet).
    public var dts: Int64
    /// Presentation time on the timeline (decoding time plus the packet's own composition offset).
    public var pts: Int64
    /// Seconds from the start of the timeline.
    public var seconds: Double
    /// Wall-clock time of the packet: the anchor plus `seconds`.
    public var wallClock: Date
    /// Set when this packet broke the sequence.
    public var discontinuity: TimestampDiscontinuity?
}

/// Maps one camera's packet timestamps onto one monotonic timeline anchored to the gateway's wall clock.
///
/// Cameras reset their timestamps to zero, jump hours, and wrap; the index and the segments must not. The sanitiser
/// keeps an offset that it changes only at a discontinuity: across one, the timeline advances by the time that really
/// passed (the monotonic clock between the two packets' arrivals, at least one frame), so recordings stay aligned
/// with the wall clock through reconnects, but never past the arrival clock (the time since the first packet). Every
/// discontinuity is recorded. Not thread-safe: one per camera worker.
///
/// Why the arrival clock bounds it: a camera's first GOP after it connects comes in a burst (a GOP buffered by the
/// camera or the server in front of it), so the timeline runs ahead of arrival by that burst for as long as the
/// connection lasts. Advanced by the time between packets alone, each reconnect's burst added to the last: in the
/// one-camera rig, keyframes were stamped 0.55 s ahead of the gateway's clock after it connected and 1.3 s after one
/// camera restart, and a camera that reconnects all day would drift without bound. Bounded by the arrival clock, a
/// break at least as long as the lead takes it away. A timeline behind the clock (a source slower than real time) is
/// not pulled forward: the jump would fall where no gap is recorded (a timestamp glitch within a connection), and
/// playback could not tell it from a long GOP.
public struct TimestampSanitiser: Sendable {
    public struct Configuration: Sendable {
        /// The largest forward step between packets taken as genuine (longer gaps are jumps).
        public var maximumForwardJump: Double = 10
        /// How close to zero a backward step must land to count as a reset.
        public var resetWindow: Double = 2
        public init() {}
    }

    public let timeBase: Rational
    public let configuration: Configuration
    /// The wall-clock time of the timeline's zero.
    public let anchor: Date
    /// Every discontinuity so far.
    public private(set) var discontinuities: [TimestampDiscontinuity] = []

    private var wrapPeriod: Int64?
    private var unwrapOffset: Int64 = 0
    private var offset: Int64 = 0
    private var first: Int64?
    private var lastRaw: Int64?
    private var lastUnwrapped: Int64 = 0
    private var lastOutput: Int64 = 0
    private var firstArrival: UInt64 = 0
    private var lastArrival: UInt64 = 0
    private var lastDuration: Int64 = 0

    /// - Parameters:
    ///   - timeBase: the stream's time base; with 1/90000 (MPEG-TS, RTP video) 33-bit wraps are unwrapped.
    ///   - anchor: the wall-clock time of the first packet.
    public init(timeBase: Rational, anchor: Date, configuration: Configuration = Configuration()) {
        self.timeBase = timeBase
        self.anchor = anchor
        self.configuration = configuration
        wrapPeriod = timeBase == Rational(1, 90_000) ? Int64(1) << 33 : nil
    }

    private func ticks(_ seconds: Double) -> Int64 { Int64((seconds / timeBase.value).rounded()) }

    /// Places one packet on the timeline.
    /// - Parameters:
    ///   - dts: its decoding timestamp (nil when the stream gives none; `pts` is used then).
    ///   - duration: its duration in the time base, when known (used to infer missing timestamps and minimal steps).
    ///   - arrival: when it arrived, in nanoseconds on the monotonic clock.
    public mutating func place(dts: Int64?, pts: Int64?, duration: Int64?, arrival: UInt64) -> SanitisedTimestamp {
        let compositionOffset = (pts != nil && dts != nil) ? pts! - dts! : 0
        if let duration, duration > 0 { lastDuration = duration }
        var discontinuity: TimestampDiscontinuity.Kind? = nil
        var raw = dts ?? pts
        if raw == nil {
            // Before the stream's first timestamp there is nothing to infer from; callers skip such packets.
            guard lastRaw != nil else { return stamp(0, 0, nil) }
            discontinuity = .missing
            raw = lastRaw! + max(lastDuration, 1)
        }
        guard let raw else { preconditionFailure("a timestamp was inferred above") }
        guard let previousRaw = lastRaw else {
            first = raw
            lastRaw = raw
            lastUnwrapped = raw
            lastOutput = 0
            offset = -raw
            firstArrival = arrival
            lastArrival = arrival
            return stamp(0, compositionOffset, nil)
        }
        // 33-bit wrap: a drop of more than half the clock's range is the clock going round, not a jump back.
        if let wrapPeriod, raw < previousRaw, previousRaw - raw > wrapPeriod / 2 {
            unwrapOffset += wrapPeriod
            discontinuity = discontinuity ?? .wrap
        }
        let unwrapped = raw + unwrapOffset
        let step = unwrapped - lastUnwrapped
        var output = unwrapped + offset
        if step == 0 {
            // The same timestamp again (live encoders send two pictures with one RTP time at keyframes): one tick
            // later, so the timeline stays strictly increasing, as muxers require; not a discontinuity.
            output = lastOutput + 1
        } else if step < 0 || step > ticks(configuration.maximumForwardJump) {
            if step < 0 {
                // A reset lands near zero, or near where the stream first started (RTP clocks start anywhere).
                let nearStart = Double(abs(raw - (first ?? 0))) * timeBase.value < configuration.resetWindow
                let nearZero = nearStart || Double(raw) * timeBase.value < configuration.resetWindow
                discontinuity = nearZero ? .reset : .backward
            } else {
                discontinuity = .forwardJump
            }
            output = resumed(arrival: arrival)
            offset = output - unwrapped
        }
        lastRaw = raw
        lastUnwrapped = unwrapped
        lastOutput = output
        lastArrival = arrival
        var event: TimestampDiscontinuity? = nil
        if let discontinuity {
            event = TimestampDiscontinuity(
                kind: discontinuity, rawTimestamp: dts ?? pts, timelineSeconds: Double(output) * timeBase.value)
            discontinuities.append(event!)
        }
        return stamp(output, compositionOffset, event)
    }

    /// Where the timeline goes on after a break: on by the time that passed since the last packet, but not past the
    /// arrival clock (the time since the first packet), and at least one frame.
    private func resumed(arrival: UInt64) -> Int64 {
        let elapsed = ticks(Double(arrival &- lastArrival) / 1e9)
        let sinceFirst = ticks(Double(arrival &- firstArrival) / 1e9)
        return max(lastOutput + max(lastDuration, 1), min(lastOutput + elapsed, sinceFirst))
    }

    private func stamp(_ output: Int64, _ compositionOffset: Int64, _ event: TimestampDiscontinuity?) -> SanitisedTimestamp {
        let seconds = Double(output) * timeBase.value
        return SanitisedTimestamp(
            dts: output, pts: output + compositionOffset, seconds: seconds, wallClock: anchor.addingTimeInterval(seconds),
            discontinuity: event)
    }
}
