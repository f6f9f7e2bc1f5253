public import Foundation

/// A change in a camera's fault state: raised, updated (still open, newer evidence), cleared.
public struct DetectorTransition: Sendable, Equatable, Codable {
    public enum Phase: String, Sendable, Codable { case raised, updated, cleared }
    /// The device it concerns: a camera, or a sensor for a sensor alarm.
    public var device: String
    public var kind: EventKind
    public var phase: Phase
    /// When this transition happened (the observation that decided it).
    public var at: Date
    /// When the fault was first seen: the start of the event, before the hysteresis confirmed it.
    public var since: Date
    /// The numbers behind it (statistics, baselines, distances, the health reason code as `reason`).
    public var evidence: [String: Double]
    /// For health events, the reason ("refused", "noData", …).
    public var reason: String?

    /// What tells two open events of one device and kind apart: an alarm's name (a sensor may have `smoke` and
    /// `door_forced` open at once, and clearing one must not clear the other); empty for a camera's detectors, whose
    /// reason only describes the fault.
    public var subject: String { kind.isAlarm ? reason ?? "" : "" }

    public init(
        device: String, kind: EventKind, phase: Phase, at: Date, since: Date, evidence: [String: Double], reason: String? = nil
    ) {
        self.device = device
        self.kind = kind
        self.phase = phase
        self.at = at
        self.since = since
        self.evidence = evidence
        self.reason = reason
    }
}
