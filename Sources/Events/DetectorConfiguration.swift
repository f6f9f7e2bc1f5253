import Foundation

/// Detector thresholds for every camera, with per-camera overrides, read from a JSON file:
///
///     { "default": { "offlineAfter": 60 },
///       "cameras": { "33010600001320000001": { "disabled": ["frozen"], "darkLumaNight": 15 } } }
///
/// Each object names only what it changes; the rest keeps its default (see `DetectorThresholds`).
public struct DetectorConfiguration: Sendable {
    public var defaults: DetectorThresholds
    public var cameras: [String: DetectorThresholds]

    public init(defaults: DetectorThresholds = DetectorThresholds(), cameras: [String: DetectorThresholds] = [:]) {
        self.defaults = defaults
        self.cameras = cameras
    }

    /// The thresholds of one camera.
    public func thresholds(for camera: String) -> DetectorThresholds { cameras[camera] ?? defaults }

    /// Reads a configuration file; an unknown setting or a wrong type is an error naming it.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EventsError(.invalidConfiguration, "cannot read the detector configuration '\(path)'")
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw EventsError(.invalidConfiguration, "the detector configuration '\(path)' is not a JSON object")
        }
        for key in root.keys where key != "default" && key != "cameras" {
            throw EventsError(.invalidConfiguration, "\(path): unknown key '\(key)' (expected 'default' and 'cameras')")
        }
        let defaults = try Self.overlay(root["default"], on: DetectorThresholds(), context: "\(path): default")
        var cameras: [String: DetectorThresholds] = [:]
        if let entries = root["cameras"] {
            guard let entries = entries as? [String: Any] else {
                throw EventsError(.invalidConfiguration, "\(path): 'cameras' must be an object")
            }
            for (camera, settings) in entries {
                cameras[camera] = try Self.overlay(settings, on: defaults, context: "\(path): camera \(camera)")
            }
        }
        self.init(defaults: defaults, cameras: cameras)
    }

    /// `base` with the settings of a JSON object laid over it; an unknown setting or a wrong type is an error that
    /// names it, after `context`.
    public static func overlay(_ settings: Any?, on base: DetectorThresholds, context: String) throws -> DetectorThresholds {
        guard let settings else { return base }
        guard let settings = settings as? [String: Any] else {
            throw EventsError(.invalidConfiguration, "\(context): expected an object")
        }
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(base)) as! [String: Any]
        var merged = encoded
        for (key, value) in settings {
            guard encoded[key] != nil else {
                throw EventsError(
                    .invalidConfiguration,
                    "\(context): unknown setting '\(key)'; known: \(encoded.keys.sorted().joined(separator: ", "))")
            }
            merged[key] = value
        }
        do {
            return try JSONDecoder().decode(
                DetectorThresholds.self, from: JSONSerialization.data(withJSONObject: merged))
        } catch {
            throw EventsError(.invalidConfiguration, "\(context): a setting has the wrong type", underlying: "\(error)")
        }
    }
}
