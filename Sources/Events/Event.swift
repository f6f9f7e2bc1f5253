public import CameraRegistry
public import Foundation
import Geo

/// Where an event happened: the device's position, its grid and that grid's ancestry, and the key locations near it.
public struct EventLocation: Sendable, Codable, Equatable {
    public var longitude: Double?
    public var latitude: Double?
    /// The finest grid first, then its parents up to the district.
    public var grids: [GridSummary]
    /// Key locations within their radius of the device, nearest first, with distance (m) and category.
    public var keyLocations: [KeyLocationLink]

    public init(longitude: Double?, latitude: Double?, grids: [GridSummary], keyLocations: [KeyLocationLink]) {
        self.longitude = longitude
        self.latitude = latitude
        self.grids = grids
        self.keyLocations = keyLocations
    }

    /// A device's place as linking found it: the finest grid first (the registry lists grids district first), key
    /// locations nearest first.
    public init(_ place: DevicePlace) {
        self.init(
            longitude: place.location?.longitude, latitude: place.location?.latitude, grids: place.gridPath.reversed(),
            keyLocations: place.keyLocations.sorted { $0.distance < $1.distance })
    }

    /// A sensor's location as the registry links it.
    public init(_ record: SensorRecord) { self.init(DevicePlace(record)) }

    /// A camera's location as the registry links it.
    public init(_ record: CameraRecord) { self.init(DevicePlace(record)) }
}

/// An event as stored and exported: one fault of one camera (or one sensor alarm), from raised to cleared, under a
/// stable ID that every sink can deduplicate on.
public struct Event: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable { case open, cleared }

    /// Stable for the event's whole life (raised, updated, cleared carry the same ID).
    public var id: String
    /// The camera or sensor ID.
    public var device: String
    public var kind: EventKind
    public var state: State
    /// When the fault was first seen, when it was confirmed (raised), last updated, and cleared.
    public var since: Date
    public var raisedAt: Date
    public var updatedAt: Date
    public var clearedAt: Date?
    /// The numbers behind it, and the health reason for offline and stalled.
    public var evidence: [String: Double]
    public var reason: String?
    public var location: EventLocation
    /// Who acknowledged the event at the gateway (an API token's name), and when; local to this gateway.
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    /// An operator's verdict (复核): confirmed, or a false alarm; the latest one stands. Local to this gateway.
    public var review: EventReview?

    public init(
        id: String, device: String, kind: EventKind, state: State, since: Date, raisedAt: Date, updatedAt: Date,
        clearedAt: Date?, evidence: [String: Double], reason: String?, location: EventLocation
    ) {
        self.id = id
        self.device = device
        self.kind = kind
        self.state = state
        self.since = since
        self.raisedAt = raisedAt
        self.updatedAt = updatedAt
        self.clearedAt = clearedAt
        self.evidence = evidence
        self.reason = reason
        self.location = location
    }

    /// Seconds from `since` to clearing (or to `now` while open).
    public func duration(now: Date = Date()) -> Double { (clearedAt ?? now).timeIntervalSince(since) }
}

/// A sender's key for one message (HTTP's `Idempotency-Key`): a resend with the same key, from the same sender, for
/// the same device, within `EventStore.idempotencyLifetime`, records nothing and answers the first event.
public struct IdempotencyKey: Sendable, Hashable {
    public var key: String
    /// Who sent it: the API token's ID, or `cli` for the command line.
    public var sender: String

    public init(_ key: String, sender: String) {
        self.key = key
        self.sender = sender
    }
}
