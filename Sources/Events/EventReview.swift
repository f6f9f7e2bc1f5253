public import Foundation

/// An operator's verdict on an event (复核): the fault was real, or the alarm was false. A false alarm is kept and
/// shown as such; it does not count against a camera's fault-free time, and a camera's false alarms of one kind point
/// at the threshold to change (`ReviewTally.suggestion`).
public struct EventReview: Sendable, Codable, Equatable {
    public enum Verdict: String, Sendable, Codable, CaseIterable {
        case confirmed
        case falseAlarm = "false"
    }

    public var verdict: Verdict
    /// Who gave it: an API token's name, or `cli:<user>` from the command line.
    public var by: String
    public var at: Date
    /// What the operator saw, in their words (at most 500 characters).
    public var note: String?

    public init(verdict: Verdict, by: String, at: Date, note: String? = nil) {
        self.verdict = verdict
        self.by = by
        self.at = at
        self.note = note
    }

    /// The longest note kept.
    public static let noteLimit = 500

    /// Why a note cannot be kept (too long, or control characters that would garble a listing or a CSV); nil when it
    /// can. Line breaks are allowed.
    public static func problem(withNote note: String) -> String? {
        // Counted as JSON Schema's maxLength counts: code points, not Swift's grapheme clusters.
        if note.unicodeScalars.count > noteLimit { return "a review note must be at most \(noteLimit) characters" }
        let controls = note.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" }
        return controls ? "a review note must not hold control characters" : nil
    }
}

/// One camera's (or sensor's) events of one kind over a period, by verdict.
public struct ReviewTally: Sendable, Encodable, Equatable {
    public var device: String
    public var kind: EventKind
    public var events: Int
    public var confirmed: Int
    public var falseAlarms: Int
    public var unreviewed: Int { events - confirmed - falseAlarms }

    public init(device: String, kind: EventKind, events: Int, confirmed: Int, falseAlarms: Int) {
        self.device = device
        self.kind = kind
        self.events = events
        self.confirmed = confirmed
        self.falseAlarms = falseAlarms
    }

    private enum CodingKeys: String, CodingKey {
        case device, kind, events, confirmed, falseAlarms, unreviewed, suggestion
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(device, forKey: .device)
        try container.encode(kind, forKey: .kind)
        try container.encode(events, forKey: .events)
        try container.encode(confirmed, forKey: .confirmed)
        try container.encode(falseAlarms, forKey: .falseAlarms)
        try container.encode(unreviewed, forKey: .unreviewed)
        try container.encodeIfPresent(suggestion, forKey: .suggestion)
    }

    /// At least this many false alarms, and more false than confirmed, before a change is suggested: one false alarm
    /// is noise, a habit is a threshold that does not suit the camera.
    public static let suggestAfter = 3

    /// The per-camera setting to change when the detector keeps raising false alarms on this camera; nil otherwise.
    public var suggestion: String? {
        guard falseAlarms >= Self.suggestAfter, falseAlarms > confirmed else { return nil }
        let share = "\(falseAlarms) of \(confirmed + falseAlarms) reviewed \(kind.rawValue) alarms were false"
        switch kind {
        case .sensorAlarm: return "\(share): check the sensor and what the integration sends"
        case .deviceAlarm: return "\(share): check the device's own alarm settings"
        default:
            return "\(share): adjust \(kind.thresholdSettings.joined(separator: ", ")) for this camera, or disable "
                + "\(kind.rawValue) for it (the detector configuration's \"cameras\" entry)"
        }
    }
}

extension EventKind {
    /// The `DetectorThresholds` settings that decide when this kind is raised (besides `raiseAfter`, which is named
    /// only for a kind it alone decides).
    public var thresholdSettings: [String] {
        switch self {
        case .offline: ["offlineAfter", "offlineAfterVisits"]
        case .stalled: ["offlineAfter"]
        case .streamDegraded: ["degradedFrameRateRatio", "degradedBitrateRatio"]
        case .longGOP: ["longGOPSeconds"]
        case .frameRateShortfall: ["frameRateShortfallRatio"]
        case .clockOffset: ["clockOffsetSeconds"]
        case .signalLoss: ["signalLossUniformFraction", "signalLossFlatShare"]
        // Nothing to tune but how many damaged keyframes in a row make a fault.
        case .corruption: ["raiseAfter", "clearAfter"]
        case .tooDark: ["darkLumaDay", "darkLumaNight", "darkFraction"]
        case .tooBright: ["brightLuma", "brightFraction"]
        case .lowContrast: ["lowContrastSpreadRatio", "lowContrastFlatShare"]
        case .occlusion: ["occlusionEdgeRatio", "occlusionSpreadRatio"]
        case .frozen: ["frozenHashBits", "frozenThumbnailChange"]
        case .irCut:
            ["irCutGreySaturation", "irCutColourSaturation", "irCutNightLuma", "irCutDayElevation", "irCutNightElevation"]
        case .blur: ["blurRatio", "blurFloor"]
        case .noise: ["noiseLevel"]
        case .stripes: ["stripeLevel"]
        case .colourCast: ["colourCastDistance"]
        case .cameraMoved: ["movedHashBits", "movedAfter"]
        case .sensorAlarm, .deviceAlarm: []
        }
    }
}
