public import Archive

extension HealthRecord {
    /// The stored state as a `HealthState` (the archive keeps text, as it does not import Ingest); nil for a state
    /// this version does not know.
    public var healthState: HealthState? { HealthState(rawValue: state) }

    /// The stored reason as a `HealthReason`; nil when there was none or it is unknown.
    public var healthReason: HealthReason? { reason.flatMap(HealthReason.init(rawValue:)) }

    /// A record of `transition`, as the archive stores it.
    public init(_ transition: HealthTransition) {
        self.init(
            camera: transition.camera, at: transition.wallClock, state: transition.state.rawValue,
            reason: transition.reason?.rawValue, detail: transition.detail)
    }
}

extension PatrolVisit {
    /// The stored reason as a `HealthReason`; nil when the visit succeeded or the reason is unknown.
    public var healthReason: HealthReason? { reason.flatMap(HealthReason.init(rawValue:)) }
}
