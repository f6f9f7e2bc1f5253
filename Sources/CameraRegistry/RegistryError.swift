/// The one error type of CameraRegistry.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A value that fails validation (an ID, a coordinate, a URL, a name).
        case invalid
        /// No such camera, grid, key location or sensor.
        case notFound
        /// An import with invalid rows; `problems` lists every one.
        case importRejected
        /// The registry database or its key cannot be opened, read or written.
        case storeFailed
    }

    public let code: Code
    public let message: String
    /// For `.importRejected`: every problem found, each naming its file and line or feature.
    public let problems: [ImportProblem]

    public init(_ code: Code, _ message: String, problems: [ImportProblem] = []) {
        self.code = code
        self.message = message
        self.problems = problems
    }

    public var description: String {
        guard !problems.isEmpty else { return message }
        return ([message] + problems.map { "  \($0)" }).joined(separator: "\n")
    }
}

/// One reason an import was rejected, located precisely enough to fix it.
public struct ImportProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file, as named in the import directory.
    public var file: String
    /// The line (CSV, counting the header as line 1) or nil for GeoJSON.
    public var line: Int?
    /// The feature's position in a GeoJSON collection, from 1.
    public var feature: Int?
    /// The column or property at fault, when one is.
    public var column: String?
    public var reason: String

    public init(file: String, line: Int? = nil, feature: Int? = nil, column: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.feature = feature
        self.column = column
        self.reason = reason
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let feature { place += " feature \(feature)" }
        if let column { place += " [\(column)]" }
        return "\(place): \(reason)"
    }
}
