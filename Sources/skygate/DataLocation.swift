import ArgumentParser
import Foundation

/// Where a command finds its data: `./skygate-data` unless `--data-dir` or `--db` says otherwise.
struct DataLocation: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Data directory shared with the service.", valueName: "dir"))
    var dataDirectory: String = "skygate-data"

    @Option(
        name: .customLong("db"),
        help: ArgumentHelp("Keyframe index database (default: <data-dir>/archive.sqlite).", valueName: "path"))
    var database: String?

    /// The index database path.
    var indexPath: String { database ?? (dataDirectory as NSString).appendingPathComponent("archive.sqlite") }
}
