/// The one error type of the fleet: a code, a message, and the cause.
public struct FleetError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A setting is wrong: the central URL, a gateway's name or capacity.
        case invalidConfiguration
        /// The central store cannot be reached (or did not answer in time).
        case unavailable
        /// A statement of the central store failed.
        case storeFailed
        /// No such gateway or grid.
        case notFound
        /// A write carried an epoch that no longer owns its grid (the grid moved to another gateway).
        case staleEpoch
    }

    public let code: Code
    public let message: String
    /// The error text behind it (the driver's, the server's).
    public let underlying: String?

    public init(_ code: Code, _ message: String, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { underlying.map { "\(message): \($0)" } ?? message }
}
