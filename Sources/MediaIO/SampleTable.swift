internal import CFFmpeg

/// A keyframe sample listed in a container's sample table (MP4's `stss`/`stco`/`stsz`, as FFmpeg indexes them).
struct SampleTableEntry {
    /// Decoding timestamp in the stream's time base.
    var dts: Int64
    var position: Int64
    var size: Int
}

extension Demuxer {
    /// The video stream's keyframe samples from the container's own sample table, when the container has a complete one.
    ///
    /// Only MP4/MOV qualifies: FFmpeg builds its index from the sample tables at open, so the keyframes are known
    /// without reading any media data. A fragmented MP4, whose index grows as fragments are read, does not qualify
    /// (its index has fewer entries than the stream declares frames).
    func keySamplesFromSampleTable() -> [SampleTableEntry]? {
        guard description.format.hasPrefix("mov,mp4") else { return nil }
        let count = avformat_index_get_entries_count(videoStream)
        guard count > 0, Int64(count) == videoStream.pointee.nb_frames else { return nil }
        var samples: [SampleTableEntry] = []
        for index in 0..<count {
            guard let entry = avformat_index_get_entry(videoStream, index)?.pointee else { return nil }
            guard entry.flags & AVINDEX_KEYFRAME != 0 else { continue }
            // size is a 30-bit bit-field that Swift sees through an accessor.
            samples.append(SampleTableEntry(dts: entry.timestamp, position: entry.pos, size: Int(entry.size)))
        }
        return samples
    }

    /// Seeks to one keyframe sample and reads its packet; false when the seek landed on another sample.
    ///
    /// Seeking rather than reading on with `AVDISCARD_NONKEY`: in FFmpeg 5.1 the MP4 demuxer skips discarded samples
    /// without advancing its composition-offset (ctts) cursor, so every key packet after the first would get another
    /// sample's PTS. A seek recomputes that cursor for the sample it lands on, and non-key samples are never read.
    /// The seek takes a presentation time from which the demuxer subtracts a private offset before searching its
    /// decoding-time index; `offset` is that shift, found by `calibrateSeekOffset`.
    func readKeySample(_ sample: SampleTableEntry, offset: Int64, into packet: Packet) throws -> Bool {
        interrupt.arm(seconds: options.readTimeout)
        let status = av_seek_frame(context, videoStream.pointee.index, sample.dts + offset, AVSEEK_FLAG_BACKWARD)
        interrupt.arm(seconds: nil)
        guard status >= 0 else {
            throw MediaError(
                .readFailed,
                "seeking to the keyframe at byte \(sample.position) of '\(description.source)' failed: \(avErrorText(status))",
                averror: status)
        }
        guard try readVideoPacket(into: packet) else {
            throw MediaError(
                .invalidData, "'\(description.source)' ends before the keyframe at byte \(sample.position) (truncated file)")
        }
        return packet.pointer.pointee.pos == sample.position
    }

    /// Finds the seek offset that lands exactly on `sample`: the smallest of 0, 1, 2, … 16 sample durations that
    /// does. Nil when none does (the caller then reads the file sequentially).
    func calibrateSeekOffset(for sample: SampleTableEntry, into packet: Packet) throws -> Int64? {
        let count = avformat_index_get_entries_count(videoStream)
        var duration: Int64 = 1
        if count >= 2, let first = avformat_index_get_entry(videoStream, 0), let second = avformat_index_get_entry(videoStream, 1)
        {
            duration = max(1, second.pointee.timestamp - first.pointee.timestamp)
        }
        for steps in 0...16 {
            let offset = Int64(steps) * duration
            if try readKeySample(sample, offset: offset, into: packet) { return offset }
        }
        return nil
    }

    /// Returns to the first packet, for a sequential read after seeks.
    func rewind() throws {
        let status = av_seek_frame(context, videoStream.pointee.index, Int64.min / 2, AVSEEK_FLAG_BACKWARD)
        guard status >= 0 else {
            throw MediaError(
                .readFailed, "cannot return to the start of '\(description.source)': \(avErrorText(status))", averror: status)
        }
    }
}
