internal import CFFmpeg

/// How a `KeyframeScanner` reads an input.
public struct ScanOptions: Sendable, Equatable {
    /// Open and read deadlines, probe limits, URL policy.
    public var demux = DemuxOptions()
    /// Decode each keyframe and compute its statistics; false lists keyframes without decoding anything.
    public var analyze = true
    /// Decoder threads; 0 lets FFmpeg choose (one per core). One by default: only then does the decoder say which
    /// keyframes it concealed damage in (`FrameStats.concealed`, the corruption detector's input). Frame threading
    /// decodes a file's keyframes about 1.8 times faster on two cores, without that; it adds `threads − 1` keyframes
    /// of latency, so live streams use 1 in any case.
    public var decoderThreads = 1

    public init() {}
}

/// One keyframe found by a scan, with its statistics when it was analysed and decoded.
public struct ScannedKeyframe: Sendable, Equatable {
    public var packet: KeyframePacket
    /// Nil when the scan does not analyse, or when this keyframe could not be decoded.
    public var stats: FrameStats?
}

/// What a scan did, for summaries and progress.
public struct ScanSummary: Sendable, Codable, Equatable {
    /// Keyframes found.
    public var keyframes = 0
    /// Keyframes decoded and measured.
    public var analyzed = 0
    /// Keyframes the decoder could not turn into a picture (damaged data).
    public var undecodable = 0
    /// Video packets the demuxer returned, key and non-key (MP4 skips non-key samples, so this is the keyframes there).
    public var videoPacketsRead = 0
}

/// Lists the keyframes of one input in order and, when asked, decodes each and measures it.
///
/// Blocking: run it on a dedicated thread, never on Swift's cooperative pool. Not `Sendable`.
public final class KeyframeScanner {
    /// The opened input.
    public let demuxer: Demuxer
    private let options: ScanOptions
    private let decoder: KeyframeDecoder?

    /// Opens `source` (within the open deadline) and, when analysing, its decoder.
    public init(source: MediaSource, options: ScanOptions = ScanOptions(), interrupt: InterruptFlag = InterruptFlag()) throws {
        self.options = options
        demuxer = try Demuxer(source: source, options: options.demux, interrupt: interrupt)
        decoder = options.analyze ? try KeyframeDecoder(for: demuxer, threads: options.decoderThreads) : nil
    }

    /// What the input contains.
    public var description: MediaDescription { demuxer.description }

    /// Reads to the end of the input, handing each keyframe to `deliver` in stream order.
    /// Over 60 lines: one read loop with the two ways of finding keyframes (sample table seeks, sequential reads) and the fallback from one to the other.
    public func run(_ deliver: (ScannedKeyframe) throws -> Void) throws -> ScanSummary {
        var summary = ScanSummary()
        let packet = Packet()
        var awaitingFrames: [KeyframePacket] = []
        let timeBase = demuxer.videoStream.pointee.time_base

        func deliverDecoded(_ frames: [KeyframeDecoder.Decoded]) throws {
            for (pts, stats, _) in frames {
                // Frames come out in the order their packets went in; a packet that gave no frame is skipped over.
                let match = awaitingFrames.firstIndex { pts != nil && $0.pts == pts } ?? 0
                guard match < awaitingFrames.count else { continue }
                for lost in awaitingFrames[..<match] {
                    summary.undecodable += 1
                    try deliver(ScannedKeyframe(packet: lost, stats: nil))
                }
                summary.analyzed += 1
                try deliver(ScannedKeyframe(packet: awaitingFrames[match], stats: stats))
                awaitingFrames.removeFirst(match + 1)
            }
        }

        func handleKeyPacket() throws {
            summary.keyframes += 1
            let keyframe = KeyframeScanner.keyframePacket(packet.pointer.pointee, timeBase: timeBase)
            if let decoder {
                awaitingFrames.append(keyframe)
                try deliverDecoded(try decoder.decode(packet))
            } else {
                try deliver(ScannedKeyframe(packet: keyframe, stats: nil))
            }
        }

        if let samples = demuxer.keySamplesFromSampleTable(), let offset = try seekOffset(samples, packet) {
            // MP4: the sample table lists the keyframes; read only those samples.
            for sample in samples {
                guard
                    try demuxer.readKeySample(sample, offset: offset, into: packet)
                        || demuxer.calibrateSeekOffset(for: sample, into: packet) != nil
                else {
                    throw MediaError(
                        .invalidData, "cannot locate the keyframe at byte \(sample.position) of '\(demuxer.description.source)'")
                }
                summary.videoPacketsRead += 1
                try handleKeyPacket()
            }
        } else {
            // MPEG-TS, streams, fragmented MP4: every packet passes through the demuxer; only key packets go on.
            while try demuxer.readVideoPacket(into: packet) {
                summary.videoPacketsRead += 1
                if packet.pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 { try handleKeyPacket() }
            }
        }
        if let decoder {
            try deliverDecoded(try decoder.flush())
            for lost in awaitingFrames {
                summary.undecodable += 1
                try deliver(ScannedKeyframe(packet: lost, stats: nil))
            }
        }
        return summary
    }

    /// The seek offset for reading `samples` one by one, or nil (after rewinding) when seeking cannot land exactly.
    private func seekOffset(_ samples: [SampleTableEntry], _ packet: Packet) throws -> Int64? {
        guard samples.count >= 2 else { return samples.isEmpty ? nil : 0 }
        if let offset = try demuxer.calibrateSeekOffset(for: samples[1], into: packet) { return offset }
        try demuxer.rewind()
        return nil
    }

    private static func keyframePacket(_ raw: AVPacket, timeBase: AVRational) -> KeyframePacket {
        let none = CFFmpeg_AV_NOPTS_VALUE()
        let pts = raw.pts == none ? nil : raw.pts
        let dts = raw.dts == none ? nil : raw.dts
        let rational = Rational(timeBase.num, timeBase.den)
        return KeyframePacket(
            pts: pts,
            dts: dts,
            timeBase: rational,
            seconds: (pts ?? dts).map { Double($0) * rational.value },
            position: raw.pos >= 0 ? raw.pos : nil,
            size: Int(raw.size),
            isCorrupt: raw.flags & AV_PKT_FLAG_CORRUPT != 0,
            isDiscardable: raw.flags & AV_PKT_FLAG_DISCARD != 0)
    }
}

@available(*, unavailable)
extension KeyframeScanner: Sendable {}
