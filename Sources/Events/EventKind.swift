/// What an event is about. The order is the suppression order: while an event of one kind is open for a camera,
/// the kinds after it that it hides are not raised (one fault gives one event).
public enum EventKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// The camera cannot be reached or its stream ended, for longer than the offline threshold.
    case offline
    /// Connected, but no data for longer than the offline threshold.
    case stalled
    /// The stream goes on but poorly: frame rate or bitrate far below what the camera normally sends.
    case streamDegraded = "stream_degraded"
    /// Keyframes further apart than the conformance limit (a "smart codec" GOP of 10 s and more): seeking, playback
    /// and every keyframe-driven check wait that long. Judged at patrol visits from the stream's measured GOP.
    case longGOP = "long_gop"
    /// The stream delivers far fewer frames per second than its own headers declare (an NVR or encoder dropping
    /// frames, a bandwidth cap): judged at patrol visits and over a recorded camera's throughput windows.
    case frameRateShortfall = "frame_rate_shortfall"
    /// The camera's clock is further from the gateway's than the limit (never set, or its time server unreachable):
    /// the times it burns into its picture and stamps on its recordings are wrong. Judged from its RTCP sender reports
    /// at patrol visits and at a recorded camera's keyframes.
    case clockOffset = "clock_offset"
    /// Signal loss at the encoder: the camera sends its own generated "no video" screen (one flat colour, usually
    /// blue or black, perhaps with an OSD text) because its sensor or the analogue camera behind it gives nothing.
    /// Unlike a dark scene or a covered lens, the picture has no sensor noise at all.
    case signalLoss = "signal_loss"
    /// Picture corruption (花屏): the keyframes' bitstream arrives damaged and the decoder conceals it (smeared, grey or
    /// green blocks). The damage is in what the camera or NVR sends, not in the transport: keyframes whose RTP packets
    /// went missing are not judged (lost packets are the stream's fault, not the picture's).
    case corruption
    /// The picture is black or nearly so: a dead sensor, a lens cap in the dark, or simply too dark.
    case tooDark = "too_dark"
    /// The picture is washed out: glare, a sensor facing the sun.
    case tooBright = "too_bright"
    /// Contrast collapsed without darkness: fog, haze, a dirty or misted window. The whole picture keeps its structure
    /// (unlike a covered lens, whose covered part is one flat area).
    case lowContrast = "low_contrast"
    /// Most of the lens is covered: edges and contrast collapse against the camera's own baseline.
    case occlusion
    /// The picture does not change while packets keep flowing.
    case frozen
    /// The picture is out of focus: sharpness far below the camera's own baseline, or below an absolute floor.
    case blur
    /// Noise or snow: high-frequency energy that edges and texture do not explain (a failing sensor, a long analogue
    /// cable, interference, gain run wild).
    case noise
    /// Stripes or rolling bars: the picture's row or column means repeat at one period (interference on a cable, a
    /// ground loop's hum bars).
    case stripes
    /// The picture is tinted: chroma far from neutral.
    case colourCast = "colour_cast"
    /// The day/night switch (IR-cut filter) is stuck: a greyscale picture while the sun is up at the camera, or a
    /// dim colour picture at night.
    case irCut = "ir_cut"
    /// The camera points somewhere else: its picture stays far from the learned scene.
    case cameraMoved = "camera_moved"
    /// A sensor (smoke, gas, water level, door, …) reported an alarm.
    case sensorAlarm = "sensor_alarm"
    /// A GB/T 28181 device raised an alarm (`Notify/Alarm`: video loss, tamper, motion, a device fault, …).
    case deviceAlarm = "device_alarm"

    /// Picture faults: judged from keyframe statistics, hidden while the camera is offline or stalled.
    public var isPictureFault: Bool {
        switch self {
        case .signalLoss, .corruption, .tooDark, .tooBright, .lowContrast, .occlusion, .frozen, .blur, .noise, .stripes,
            .colourCast, .irCut, .cameraMoved:
            true
        case .offline, .stalled, .streamDegraded, .longGOP, .frameRateShortfall, .clockOffset, .sensorAlarm, .deviceAlarm:
            false
        }
    }

    /// Alarms reported by a device or sensor, not judged by a detector: they open and clear by what the sender says,
    /// and count neither as faults of a camera's picture nor towards its availability.
    public var isAlarm: Bool { self == .sensorAlarm || self == .deviceAlarm }

    /// The kinds an open event of this kind hides. Offline and stalled hide every picture fault, and a "no video"
    /// screen every other one; a black or washed-out picture hides what it makes look wrong (frozen, blurred,
    /// covered, noisy, tinted, moved); a covered lens
    /// hides frozen, blur and a moved scene; a flat or still picture hides the low bitrate it causes; a degraded
    /// stream hides the frame rate shortfall it may be.
    public var hides: Set<EventKind> {
        switch self {
        case .offline, .stalled:
            Set(EventKind.allCases.filter(\.isPictureFault)).union([
                .streamDegraded, .longGOP, .frameRateShortfall, .clockOffset,
            ])
        // A generated "no video" screen is every other picture fault at once (dark or bright, flat, still, tinted).
        case .signalLoss:
            Set(EventKind.allCases.filter { $0.isPictureFault && $0 != .signalLoss }).union([.streamDegraded])
        // Concealed damage smears and tints what it covers: not a fault of the scene or the lens.
        case .corruption: [.lowContrast, .occlusion, .frozen, .blur, .noise, .stripes, .colourCast, .irCut, .cameraMoved]
        // A black, washed-out or covered picture has little colour left: not an IR-cut fault. A dark picture's gain
        // brings up noise that is not a fault of its own.
        case .tooDark, .tooBright:
            [.lowContrast, .occlusion, .frozen, .blur, .noise, .colourCast, .irCut, .cameraMoved, .streamDegraded]
        // Fog takes the edges away everywhere, as a cover does where it lies, and the detail a sharp picture has.
        case .lowContrast: [.occlusion, .blur]
        case .occlusion: [.frozen, .blur, .irCut, .cameraMoved, .streamDegraded]
        // A still or flat picture needs few bits: its low bitrate is not a degraded stream.
        case .frozen: [.streamDegraded]
        case .streamDegraded: [.frameRateShortfall]
        case .longGOP, .frameRateShortfall, .clockOffset, .blur, .noise, .stripes, .colourCast, .irCut, .cameraMoved,
            .sensorAlarm, .deviceAlarm:
            []
        }
    }

    public static func < (a: EventKind, b: EventKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
