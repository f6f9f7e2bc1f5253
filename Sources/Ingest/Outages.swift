public import Archive
public import Foundation

/// A stretch when a camera was not streaming, taken from its health history.
public struct Outage: Sendable, Equatable, Codable {
    public var camera: String
    /// The first non-streaming transition after streaming, and the next return to streaming (nil: still out).
    public var from: Date
    public var to: Date?
    /// The state and reason that started it (offline/refused, stalled/noData, …).
    public var state: HealthState
    public var reason: HealthReason?

    /// Seconds out, up to `now` for an outage still going on.
    public func duration(now: Date = Date()) -> Double { (to ?? now).timeIntervalSince(from) }
}

extension Outage {
    /// The outages in a camera's history that lasted at least `threshold` seconds (`now` bounds open ones).
    /// Shorter interruptions — a reconnect after a dropped connection — are not outages: an offline event for each
    /// would drown operators in alarms that resolved themselves.
    public static func find(in history: [HealthRecord], threshold: Double, now: Date = Date()) -> [Outage] {
        var outages: [Outage] = []
        var open: Outage? = nil
        for record in history {
            switch record.healthState {
            case .streaming?:
                if var current = open {
                    current.to = record.at
                    outages.append(current)
                    open = nil
                }
            case .offline?, .stalled?:
                // Out from the first failure; later failures of the same outage (reconnect attempts) do not start
                // another.
                if open == nil {
                    open = Outage(
                        camera: record.camera, from: record.at, to: nil, state: record.healthState ?? .offline,
                        reason: record.healthReason)
                }
            case .stopped?, .disabled?:
                // The service or the camera's worker stopped: not an outage of the camera.
                open = nil
            case .connecting?, nil:
                break
            }
        }
        if let open { outages.append(open) }
        return outages.filter { $0.duration(now: now) >= threshold }
    }
}
