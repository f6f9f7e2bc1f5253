import Archive

/// Measures a stream's frame rate, GOP and bitrate from its packets' timestamps and sizes: a value type fed one packet
/// at a time, so a test can replay a packet list (from ffprobe) and compare.
///
/// Everything is measured between the first keyframe and the last one seen, so a visit that joins mid-GOP does not
/// count the tail of a GOP it never saw the start of.
struct StreamFactsMeter {
    /// Seconds per timestamp unit.
    let secondsPerTick: Double
    private(set) var keyframeTimes: [Double] = []
    /// Frames and bytes from the first keyframe up to (not including) the latest keyframe, and since it.
    private var framesToLastKey = 0
    private var bytesToLastKey = 0
    private var framesSinceLastKey = 0
    private var bytesSinceLastKey = 0
    /// The first and latest timestamps of any packet: a run of packets without a keyframe bounds the GOP from below.
    private var firstTime: Double?
    private var latestTime: Double?

    init(secondsPerTick: Double) { self.secondsPerTick = secondsPerTick }

    /// One packet: its presentation (else decoding) timestamp, size, and whether it is a keyframe.
    mutating func add(timestamp: Int64?, size: Int, isKeyframe: Bool) {
        let time = timestamp.map { Double($0) * secondsPerTick }
        if let time {
            firstTime = min(firstTime ?? time, time)
            latestTime = max(latestTime ?? time, time)
        }
        if isKeyframe, let time {
            if !keyframeTimes.isEmpty {
                framesToLastKey += framesSinceLastKey
                bytesToLastKey += bytesSinceLastKey
            }
            keyframeTimes.append(time)
            framesSinceLastKey = 0
            bytesSinceLastKey = 0
        }
        guard !keyframeTimes.isEmpty else { return }
        framesSinceLastKey += 1
        bytesSinceLastKey += size
    }

    /// A second key packet with the previous one's timestamp (an encoder's twin picture): its bytes count, but it is
    /// neither a frame nor a keyframe of its own.
    mutating func addTwin(size: Int) {
        guard !keyframeTimes.isEmpty else { return }
        bytesSinceLastKey += size
    }

    /// The facts measured so far, for a stream of `codec`.
    func facts(codec: String, width: Int, height: Int) -> StreamFacts {
        var facts = StreamFacts(codec: codec, width: width, height: height)
        if let first = keyframeTimes.first, let last = keyframeTimes.last, last > first {
            let span = last - first
            facts.gop = span / Double(keyframeTimes.count - 1)
            facts.frameRate = Double(framesToLastKey) / span
            facts.bitrate = Double(bytesToLastKey) * 8 / span
            return facts
        }
        // Fewer than two keyframes: the GOP is at least the longest run seen without one, before the keyframe (the
        // visit joined mid-GOP) or after it.
        guard let firstTime, let latestTime else { return facts }
        let keyframe = keyframeTimes.first
        let run = keyframe.map { max($0 - firstTime, latestTime - $0) } ?? latestTime - firstTime
        if run > 0 {
            facts.gop = run
            facts.gopAtLeast = true
        }
        if let keyframe, latestTime > keyframe { facts.frameRate = Double(framesSinceLastKey - 1) / (latestTime - keyframe) }
        return facts
    }
}
