public import Foundation

/// A listing's choice by review (复核): the events an operator confirmed, found false, or has not looked at yet.
public enum ReviewFilter: String, Sendable, CaseIterable {
    case confirmed
    case falseAlarm = "false"
    case unreviewed = "none"

    /// The verdict the events must carry; nil for `.unreviewed` (they must carry none).
    public var verdict: EventReview.Verdict? {
        switch self {
        case .confirmed: .confirmed
        case .falseAlarm: .falseAlarm
        case .unreviewed: nil
        }
    }

    /// Whether an event with `review` passes: the store's query and the live feed's filter say the same.
    public func admits(_ review: EventReview?) -> Bool { review?.verdict == verdict }
}

/// Which events a listing shows; every condition given must hold.
public struct EventQuery: Sendable {
    /// The camera or sensor.
    public var device: String?
    /// Events in this grid or any grid below it (an event carries its grid's whole ancestry).
    public var grid: String?
    /// Events linked to this key location.
    public var keyLocation: String?
    public var kinds: [EventKind] = []
    public var state: Event.State?
    /// Events with this verdict, or (`.unreviewed`) with none yet.
    public var review: ReviewFilter?
    /// Events overlapping [from, to): started before `to`, not cleared before `from`.
    public var from: Date?
    public var to: Date?
    /// Keyset paging: events older than this one (in the listing's order).
    public var before: (since: Date, id: String)?
    public var limit = 1000

    public init(
        device: String? = nil, grid: String? = nil, keyLocation: String? = nil, kinds: [EventKind] = [],
        state: Event.State? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 1000
    ) {
        self.device = device
        self.grid = grid
        self.keyLocation = keyLocation
        self.kinds = kinds
        self.state = state
        self.from = from
        self.to = to
        self.limit = limit
    }
}
