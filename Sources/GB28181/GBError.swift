/// The one error type of GB28181.
public struct GBError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A configuration value that cannot work (a server ID that is not 20 digits, a bad domain).
        case invalidConfiguration
        /// The SIP port cannot be bound.
        case transportFailed
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
