/// The one error type of Archive: a code, a message an operator can act on, and the underlying cause.
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The index database cannot be opened, created or migrated.
        case storeUnavailable
        /// A read or write of the index failed.
        case storeFailed
        /// No such source in the index.
        case unknownSource
        /// Nothing was recorded for the camera in the asked time range.
        case notRecorded
        /// A clip could not be written (a segment is missing or unreadable, the output cannot be written).
        case clipFailed
    }

    public let code: Code
    public let message: String
    /// The SQLite or system error text behind it.
    public let underlying: String?
    /// SQLite's extended result code, when SQLite failed.
    public let sqliteCode: Int32?
    /// FFmpeg's AVERROR code, when FFmpeg failed (a clip).
    public let averror: Int32?

    public init(_ code: Code, _ message: String, underlying: String? = nil, sqliteCode: Int32? = nil, averror: Int32? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.sqliteCode = sqliteCode
        self.averror = averror
    }

    public var description: String { underlying.map { "\(message): \($0)" } ?? message }
}
