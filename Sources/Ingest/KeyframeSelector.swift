import Foundation

/// Which recorded key packets become indexed keyframes, and which one of them goes to analysis.
///
/// At keyframes, encoders may send two pictures with one timestamp (the simulator's x264: the picture, about 1.4 KB
/// at 320×240, and about 200 bytes that decode to a flat frame, in either order). The index keeps one keyframe per
/// raw timestamp, at the first packet's offset, which is where a cut must start; analysis takes the larger packet,
/// so it never measures the flat one. A keyframe is handed to analysis only once the next packet shows no larger
/// twin follows.
struct KeyframeSelector {
    /// A keyframe ready for analysis.
    struct Pending {
        var wallClock: Date
        var payload: [UInt8]
    }

    /// What to do with one recorded packet.
    struct Choice {
        /// The packet is a keyframe to index (the first of its timestamp).
        var isNewKeyframe = false
        /// An earlier keyframe whose analysis may start now.
        var readyForAnalysis: Pending?
    }

    /// Whether keyframes are kept for analysis at all.
    let analyses: Bool
    private var lastKeyframeStamp: Int64?
    private var waiting: Pending?

    init(analyses: Bool) { self.analyses = analyses }

    /// Takes a recorded packet: its key flag, raw timestamp (decoding time, else presentation time), size, and the
    /// wall-clock time it was placed at. `payload` is read only when the packet may go to analysis.
    mutating func take(isKeyframe: Bool, stamp: Int64?, size: Int, wallClock: Date, payload: () -> [UInt8]) -> Choice {
        var choice = Choice()
        let repeatsKeyframe = isKeyframe && stamp != nil && stamp == lastKeyframeStamp
        if repeatsKeyframe, let held = waiting, size > held.payload.count {
            waiting = Pending(wallClock: held.wallClock, payload: payload())
        } else if !repeatsKeyframe, let held = waiting {
            choice.readyForAnalysis = held
            waiting = nil
        }
        if isKeyframe && (stamp == nil || stamp != lastKeyframeStamp) {
            lastKeyframeStamp = stamp
            choice.isNewKeyframe = true
            if analyses { waiting = Pending(wallClock: wallClock, payload: payload()) }
        }
        return choice
    }

    /// At the end of a connection: the keyframe still held back, if any.
    mutating func flush() -> Pending? {
        defer { waiting = nil }
        return waiting
    }
}
