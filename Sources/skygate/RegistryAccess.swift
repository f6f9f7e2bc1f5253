import ArgumentParser
import CameraRegistry
import Foundation
import Logging
import MediaIO

/// Options every registry command shares: where the data directory is, and whether IDs must be GB/T 28181.
struct RegistryOptions: ParsableArguments {
    @OptionGroup var location: DataLocation
    @OptionGroup var logging: LoggingOptions

    @Flag(help: "Accept device IDs that are not GB/T 28181 codes (1–64 letters, digits, '.', '_', '-').")
    var lenientID = false

    @Option(
        help: ArgumentHelp(
            "Stream URL schemes allowed, comma-separated: a subset of rtsp, rtsps, rtmp, rtmps, http, https, srt, udp "
                + "(default: all of them). Checked at registration and again at every connect.",
            valueName: "schemes"))
    var allowedSchemes: String?

    func validate() throws {
        _ = try urlPolicy()
    }

    /// The URL policy: camera protocols, narrowed by `--allowed-schemes`. Nothing outside the camera protocols can
    /// be allowed.
    func urlPolicy() throws -> URLPolicy {
        guard let allowedSchemes else { return .default }
        let schemes = Set(allowedSchemes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        let unknown = schemes.subtracting(URLPolicy.cameraSchemes)
        guard unknown.isEmpty, !schemes.isEmpty else {
            throw ValidationError(
                "--allowed-schemes: \(unknown.sorted().joined(separator: ", ")) not a camera protocol; choose from "
                    + URLPolicy.cameraSchemes.sorted().joined(separator: ", "))
        }
        return URLPolicy(allowedSchemes: schemes)
    }

    /// The registry of the data directory, refusing stream URLs that are not camera protocols (MediaIO's policy).
    func open(defaultLogLevel: Logger.Level = .critical, ffmpegCeiling: Logger.Level = .critical) throws -> Registry {
        logging.bootstrap(defaultLevel: defaultLogLevel, ffmpegCeiling: ffmpegCeiling)
        let policy = try urlPolicy()
        return try Registry(dataDirectory: location.dataDirectory, lenientIDs: lenientID) { url in
            try policy.check(url)
        }
    }
}

/// `--json` or `--csv` instead of the aligned table.
struct OutputFormat: ParsableArguments {
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print CSV.") var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
    }

    /// Prints `rows` as a table or CSV, or `value` as JSON.
    func emit<Value: Encodable>(header: [String], rows: [[String]], json value: Value) throws {
        if json {
            try printJSON(value)
        } else if csv {
            print(CSVRecords.line(header))
            for row in rows { print(CSVRecords.line(row)) }
        } else {
            printTable(header: header, rows: rows)
        }
    }
}
