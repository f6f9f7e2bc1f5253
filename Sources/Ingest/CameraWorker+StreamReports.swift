import Foundation
import MediaIO

extension CameraWorker {
    /// A throughput reading, stamped with the moment it was taken (the detectors judge it, and the index keeps it for
    /// replays, at that time).
    func reportThroughput(_ reading: ThroughputMeter.Reading) {
        report(.throughput(camera: camera, bytes: reading.bytes, frames: reading.frames, seconds: reading.seconds, at: clock.now))
    }

    /// What the source lost on the way since the last report, for sources that count it (RTP: RTSP, GB/T 28181).
    func reportReception(of source: any PacketSource, since received: inout ReceptionCounts) {
        guard let counts = source.reception, counts != received else { return }
        report(
            .reception(
                camera: camera, packetsLost: counts.packetsLost - received.packetsLost,
                framesDropped: counts.framesDropped - received.framesDropped))
        received = counts
    }

    /// The camera's clock at a keyframe, reported over the connection's first keyframes and then held
    /// (`SenderClockMeter.isSettled` says why).
    func measureClock(_ meter: inout SenderClockMeter, at keyframe: MediaPacket, from source: any PacketSource) {
        guard !meter.isSettled,
            let offset = meter.keyframe(pts: keyframe.pts, senderClockAtZero: source.senderClockAtZero, arrival: clock.now)
        else { return }
        report(.clockOffset(camera: camera, seconds: offset, at: clock.now))
    }
}
