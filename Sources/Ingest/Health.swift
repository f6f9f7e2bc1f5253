public import Foundation

/// The state of a camera as its worker sees it.
public enum HealthState: String, Sendable, Codable, CaseIterable {
    case connecting, streaming, stalled, offline
    /// The worker ended: the camera was removed from the registry, or the service stopped.
    case stopped
    /// The worker ended because the camera was disabled in the registry.
    case disabled
}

/// Why a camera is not streaming.
public enum HealthReason: String, Sendable, Codable {
    /// The connection was refused (nothing listens, or the network said no).
    case refused
    /// Opening the stream did not finish within the open timeout.
    case timeout
    /// The camera asked for credentials, or refused the ones given (401).
    case unauthorised
    /// The camera has no such stream (404).
    case notFound
    /// The stream has no video.
    case noVideoStream
    /// The URL is not allowed by the URL policy.
    case refusedURL
    /// The stream ended (the camera closed the connection).
    case ended
    /// Reading failed after the stream opened.
    case readError
    /// No data within the read timeout while streaming.
    case noData
    /// Writing the recording failed (disk full, permissions).
    case recordingFailed
}

/// A change of a camera's state, with when it happened on both clocks.
public struct HealthTransition: Sendable, Equatable, Codable {
    public var camera: String
    public var state: HealthState
    public var reason: HealthReason?
    /// The one-line error behind it, credentials redacted.
    public var detail: String?
    public var wallClock: Date
    /// Nanoseconds on the monotonic clock, for durations.
    public var monotonic: UInt64
}
