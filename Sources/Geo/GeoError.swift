/// The one error type of Geo: what is wrong with a coordinate, a shape or a GeoJSON document.
public struct GeoError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A coordinate that is not a number or outside the valid range.
        case invalidCoordinate
        /// A polygon ring that is not closed, too short, or crosses itself.
        case invalidRing
        /// GeoJSON that is not valid JSON or not the expected structure.
        case invalidGeoJSON
    }

    public let code: Code
    /// What is wrong, for an operator (the caller adds where: file, line, feature).
    public let message: String
    /// The line of a document where the problem is, when it can be told.
    public let line: Int?

    public init(_ code: Code, _ message: String, line: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
    }

    public var description: String { message }
}
