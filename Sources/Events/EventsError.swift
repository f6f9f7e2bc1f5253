/// The one error type of Events and of the exporters built on it: a code, a message, and the cause.
public struct EventsError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A setting is wrong: the detector configuration, a sink's URL or secret.
        case invalidConfiguration
        /// The event store cannot be opened, created or migrated.
        case storeUnavailable
        /// A read or write of the event store failed.
        case storeFailed
        /// A sink cannot be set up (its directory, file or tables).
        case sinkFailed
    }

    public let code: Code
    public let message: String
    /// The error text behind it (SQLite's, the system's, the driver's).
    public let underlying: String?
    /// SQLite's extended result code, when SQLite failed.
    public let sqliteCode: Int32?

    public init(_ code: Code, _ message: String, underlying: String? = nil, sqliteCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.sqliteCode = sqliteCode
    }

    public var description: String { underlying.map { "\(message): \($0)" } ?? message }
}
