import Foundation

/// What the gateway does with a camera.
///
/// One setting rather than an "enabled" flag beside a "patrolled" one: a camera is recorded, inspected in rotation, or
/// left alone, never two of these at once.
public enum CameraMode: String, Sendable, CaseIterable, Codable {
    /// Recorded continuously, every keyframe indexed, analysed under the analysis budget.
    case record
    /// Not recorded: visited in turn by patrol inspection (巡检), a few keyframes a visit, and diagnosed.
    case patrol
    /// Registered only: neither recorded nor inspected.
    case off

    /// The values as they are written in files, the CLI and the API, for error messages ("record, patrol or off").
    public static var spelled: String {
        let names = allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    /// Parses a mode as a user writes it (any case, surrounding spaces ignored); nil for anything else.
    public init?(text: String) {
        self.init(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
