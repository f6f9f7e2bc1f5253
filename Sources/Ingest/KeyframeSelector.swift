import Foundation

/// Which recorded key packets become indexed keyframes, and which one of them goes to analysis.
///
/// A keyframe may come as several packets with one timestamp: the slices of one picture, each its own NAL unit over
/// RTP (the simulator's x264 with `tune=zerolatency` cuts each picture into slices: about 1.4 KB and 200 bytes at
/// 320×240). The index keeps one keyframe per raw timestamp, at the first packet's offset, which is where a cut must
/// start; analysis gets every packet of the timestamp, in order, as one access unit. Given only the larger slice, the
/// decoder concealed the rest of the picture (160 of 300 macroblocks), which the statistics then measured and the
/// corruption rule would judge as damage. A keyframe is handed to analysis once the next packet shows no more of it
/// follows.
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
        if repeatsKeyframe, var held = waiting {
            held.payload += payload()
            waiting = held
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
