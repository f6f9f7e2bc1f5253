internal import CShim
import Synchronization

/// RTP packets that FFmpeg's RTSP demuxer found missing, counted per open input.
///
/// FFmpeg keeps its RTP statistics private; the one public trace of a gap is a log warning carrying the input's
/// `AVFormatContext` ("RTP: missed N packets"), which the C shim picks out of the log stream whatever the log level.
/// An input is entered here once it is open and removed before it is closed, so a context's address is never mistaken
/// for a later input's at the same address.
enum RTPLossLedger {
    private static let counts = Mutex<[UInt: Int]>([:])

    /// Installs the shim's receiver, once per process. `FFmpegLog.route` does it at start-up, before any input opens
    /// (FFmpeg's log callback is a plain global); the first input entered does it in processes that never route.
    static let receiverInstalled: Void = CShim_set_rtp_loss_sink(receive)

    private static let receive: @convention(c) (UnsafeRawPointer?, Int32) -> Void = { context, packets in
        // FFmpeg queues only packets 2 to 32,767 ahead, so a real gap is smaller; a larger count is its 16-bit
        // arithmetic on a duplicate packet behind a gap ("missed 65534 packets"), not a loss.
        guard let context, packets > 0, packets < 32_768 else { return }
        let key = UInt(bitPattern: context)
        counts.withLock { counts in
            if let count = counts[key] { counts[key] = count + Int(packets) }
        }
    }

    /// Starts counting the gaps of the input at `context`.
    static func enter(_ context: UnsafeRawPointer) {
        _ = receiverInstalled
        counts.withLock { $0[UInt(bitPattern: context)] = 0 }
    }

    /// Stops counting; call before the context is freed.
    static func remove(_ context: UnsafeRawPointer) {
        _ = counts.withLock { $0.removeValue(forKey: UInt(bitPattern: context)) }
    }

    /// Packets missed so far by the input at `context`; nil when it is not counted.
    static func missed(_ context: UnsafeRawPointer) -> Int? {
        counts.withLock { $0[UInt(bitPattern: context)] }
    }
}
