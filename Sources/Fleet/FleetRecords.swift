public import Foundation

/// A gateway as the centre knows it.
public struct FleetGateway: Sendable, Equatable, Codable {
    /// Live: its lease is renewed. Draining: an operator is moving its grids away. Expired: its lease ran out and its
    /// grids were moved; it must register again.
    public enum State: String, Sendable, Codable {
        case live, draining, expired
    }

    public var name: String
    public var failoverGroup: String
    /// How many cameras it can record: grids go where cameras per capacity is lowest.
    public var capacity: Int
    /// Its API, for the hub (`http://host:port`).
    public var address: String?
    public var state: State
    public var leaseExpiresAt: Date
    /// Cameras of the grids it owns.
    public var cameras: Int
    public var grids: Int
}

/// A grid as an assignment subject: its failover group and its weight (cameras).
public struct FleetGrid: Sendable, Equatable, Codable {
    public var id: String
    public var failoverGroup: String
    public var cameras: Int

    public init(id: String, failoverGroup: String, cameras: Int) {
        self.id = id
        self.failoverGroup = failoverGroup
        self.cameras = cameras
    }
}

/// Who owns a grid, since when, and the epoch every write about it must carry.
public struct GridAssignment: Sendable, Equatable, Codable {
    public var grid: String
    public var gateway: String
    public var epoch: Int64
    public var assignedAt: Date
}

/// One owner of a grid over a stretch of time (`to` nil: still), and why it got it.
public struct AssignmentSpan: Sendable, Equatable, Codable {
    public var grid: String
    public var gateway: String
    public var epoch: Int64
    public var from: Date
    public var to: Date?
    public var reason: String
}

/// What a maintenance pass did (`CentralStore.maintain`).
public struct MaintenanceReport: Sendable, Equatable {
    /// Why nothing was expired, when nothing could be.
    public enum Pause: String, Sendable, Equatable {
        /// Another gateway's pass holds the centre's maintenance row.
        case busy
        /// The centre had not been maintained for a third of a lease (a central outage or failover): every gateway
        /// gets one lease to renew before any expires.
        case centreResumed = "centre_resumed"
    }

    public var pause: Pause?
    public var expired: [String] = []
    /// Groups where too many gateways expired at once: nothing of them expired, an alarm raised.
    public var stormGroups: [String] = []
    /// Grids given an owner: (grid, gateway, reason).
    public var moves: [GridMove] = []
}

/// A grid given to a gateway by a maintenance pass, an operator or a drain.
public struct GridMove: Sendable, Equatable {
    public enum Reason: String, Sendable, Equatable, Codable {
        /// Its owner's lease expired.
        case leaseExpired = "lease_expired"
        /// It had no owner.
        case unassigned
        /// Handed back to balance the group (a gateway returned or joined).
        case balance
        /// An operator's `fleet assign`.
        case `operator`
        /// An operator drained its owner.
        case drain
    }

    public var grid: String
    public var gateway: String
    public var epoch: Int64
    public var reason: Reason
}
