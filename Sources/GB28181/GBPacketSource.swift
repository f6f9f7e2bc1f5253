import Foundation
public import Ingest
public import MediaIO

/// An invited GB/T 28181 channel's video as ingest's packet source: whole PS frames from the receiver, taken apart
/// into access units with their PES timestamps (90 kHz), so the recorder, the keyframe index and the analysis treat
/// the channel like any camera URL. Lives on the camera's worker thread, like a demuxer.
public final class GBPacketSource: PacketSource {
    public let codec: StreamCodec
    public var transport: String? { receiver.overTCP ? "tcp" : "udp" }
    private let receiver: RTPVideoReceiver
    private let readTimeout: Double
    private let interrupt: InterruptFlag
    private let onClose: () -> Void
    private let name: String
    private var videoStream: UInt8?
    private var first: (frame: ProgramStreamFrame, isKeyframe: Bool, timestamp: UInt32, arrival: Date)?
    private var rtpClock = RTPTimestampUnwrapper()
    /// The device's clock against this gateway's, as it last told (DeviceStatus); nil before it has.
    private let deviceClockOffset: @Sendable () -> Double?
    /// The first frame's timestamp and the gateway's time of its arrival: where the device's clock is pinned to the
    /// timestamps (`senderClockAtZero`).
    private var anchor: (pts: Int64, arrival: Date)?
    /// Video PES packets declared with length zero (a Hikvision quirk), read to the next start code.
    public private(set) var zeroLengthPackets = 0
    /// Gated frames that were not a readable PS pack.
    public private(set) var unreadableFrames = 0

    /// Waits, under `openTimeout`, for the first keyframe pack with a program stream map: it says the codec, and
    /// its parameter sets become the stream's configuration. A device that sends no such frame failed to connect.
    /// - Parameters:
    ///   - onClose: ends the session (BYE); called once, by `close`.
    ///   - deviceClockOffset: the device's clock against this gateway's, in seconds, once it has told it.
    public init(
        name: String, receiver: RTPVideoReceiver, openTimeout: Double, readTimeout: Double,
        interrupt: InterruptFlag, onClose: @escaping () -> Void,
        deviceClockOffset: @escaping @Sendable () -> Double? = { nil }
    ) throws {
        self.name = name
        self.deviceClockOffset = deviceClockOffset
        self.receiver = receiver
        self.readTimeout = readTimeout
        self.interrupt = interrupt
        self.onClose = onClose
        let deadline = Date().addingTimeInterval(openTimeout)
        while true {
            guard let frame = try Self.nextFrame(receiver, until: deadline, interrupt: interrupt, name: name) else {
                receiver.close()
                onClose()
                throw MediaError(
                    .timeout,
                    "no video from \(name) within \(Int(openTimeout)) s of the invitation (counters: \(receiver.counters))")
            }
            guard frame.isKeyframe, let parsed = ProgramStreamFrame(frame.payload), let video = parsed.map?.video else {
                continue
            }
            guard video.codec != ProgramStreamMap.Video.svac else {
                receiver.close()
                onClose()
                throw MediaError(.unsupportedCodec, "\(name) sends SVAC video, which Skygate cannot record")
            }
            videoStream = video.stream.id
            codec = StreamCodec.annexB(
                hevc: video.codec == ProgramStreamMap.Video.hevc, width: 0, height: 0, timeBase: Rational(1, 90_000),
                extradata: AnnexB.parameterSets(parsed.accessUnit, hevc: video.codec == ProgramStreamMap.Video.hevc))
            first = (parsed, true, frame.timestamp, Date())
            zeroLengthPackets += parsed.zeroLengthPackets
            break
        }
    }

    public func read(into packet: MediaPacket) throws -> Bool {
        if let (frame, isKeyframe, timestamp, arrival) = first {
            first = nil
            fill(packet, frame, isKeyframe: isKeyframe, timestamp: timestamp, arrival: arrival)
            return true
        }
        let deadline = Date().addingTimeInterval(readTimeout)
        while true {
            guard let frame = try Self.nextFrame(receiver, until: deadline, interrupt: interrupt, name: name) else {
                throw MediaError(.timeout, "no video from \(name) for \(Int(readTimeout)) s")
            }
            guard let parsed = ProgramStreamFrame(frame.payload, videoStream: videoStream), !parsed.accessUnit.isEmpty else {
                unreadableFrames += 1
                continue
            }
            if let stream = parsed.map?.video?.stream.id { videoStream = stream }
            zeroLengthPackets += parsed.zeroLengthPackets
            fill(packet, parsed, isKeyframe: frame.isKeyframe, timestamp: frame.timestamp, arrival: Date())
            return true
        }
    }

    public func close() {
        receiver.close()
        onClose()
    }

    /// The receiver's counters: packets, loss, gated frames.
    public var counters: RTPVideoReceiver.Counters { receiver.counters }

    public var reception: ReceptionCounts? {
        let counters = receiver.counters
        return ReceptionCounts(packetsLost: counters.lost, framesDropped: counters.framesDropped)
    }

    /// The device's wall clock at timestamp 0, in microseconds since 1970, once it has told its clock: GB/T 28181
    /// devices send no RTCP sender reports, so the device's clock is pinned to the timestamps at the first frame, as
    /// the gateway's time of its arrival plus the device's offset (DeviceStatus). A keyframe's time on this clock, less
    /// its arrival, then reads the device's offset give or take the stream's jitter, as an RTSP camera's does.
    public var senderClockAtZero: Int64? {
        guard let anchor, let offset = deviceClockOffset() else { return nil }
        let zero = anchor.arrival.timeIntervalSince1970 + offset - Double(anchor.pts) / 90_000
        return Int64((zero * 1e6).rounded())
    }

    private func fill(_ packet: MediaPacket, _ frame: ProgramStreamFrame, isKeyframe: Bool, timestamp: UInt32, arrival: Date) {
        // The PES PTS when the device wrote one, else the RTP timestamp (the same 90 kHz clock in GB/T 28181),
        // unwrapped: it is 32 bits, and the sanitiser knows only the PTS's 33-bit wrap.
        let rtp = rtpClock.unwrap(timestamp)
        let pts = frame.pts ?? rtp
        if anchor == nil { anchor = (pts, arrival) }
        packet.fill(payload: frame.accessUnit, pts: pts, dts: frame.dts ?? pts, isKeyframe: isKeyframe)
    }

    /// The next gated frame before `deadline`, polling the interrupt flag every quarter second.
    private static func nextFrame(
        _ receiver: RTPVideoReceiver, until deadline: Date, interrupt: InterruptFlag, name: String
    ) throws -> FrameGate.Frame? {
        while true {
            if interrupt.isAborted { throw MediaError(.aborted, "reading \(name) was aborted") }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            if let frame = receiver.next(timeout: min(left, 0.25)) { return frame }
            // Closed while waiting: the device sent BYE (the worker reconnects with its usual backoff).
            if receiver.isClosed { throw MediaError(.readFailed, "\(name) ended the session (BYE)") }
        }
    }
}

/// Annex B helpers for sources that assemble access units themselves.
enum AnnexB {
    /// The parameter set NAL units of an access unit (H.264 SPS/PPS; H.265 VPS/SPS/PPS), with start codes: a
    /// stream's out-of-band configuration, as FFmpeg's demuxers give it.
    static func parameterSets(_ unit: [UInt8], hevc: Bool) -> [UInt8] {
        var out: [UInt8] = []
        var starts: [Int] = []
        var index = 0
        while let found = StartCodes.first(in: unit, from: index) {
            starts.append(found + 3)
            index = found + 3
        }
        for (number, start) in starts.enumerated() where start < unit.count {
            var end = number + 1 < starts.count ? starts[number + 1] - 3 : unit.count
            while end > start, unit[end - 1] == 0 { end -= 1 }  // the next start code's leading zero
            let kind = hevc ? (unit[start] >> 1) & 0x3F : unit[start] & 0x1F
            let isParameterSet = hevc ? (32...34).contains(kind) : (7...8).contains(kind)
            if isParameterSet { out += [0, 0, 0, 1] + unit[start..<end] }
        }
        return out
    }
}
