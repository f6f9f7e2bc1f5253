import ArgumentParser
import CameraRegistry
import Logging
import MediaIO

/// Options every registry command shares: where the data directory is, and whether IDs must be GB/T 28181.
struct RegistryOptions: ParsableArguments {
    @OptionGroup var location: DataLocation
    @OptionGroup var logging: LoggingOptions

    @Flag(help: "Accept device IDs that are not GB/T 28181 codes (1–64 letters, digits, '.', '_', '-').")
    var lenientID = false

    /// The registry of the data directory, refusing stream URLs that are not camera protocols (MediaIO's policy).
    func open(defaultLogLevel: Logger.Level = .critical) throws -> Registry {
        logging.bootstrap(defaultLevel: defaultLogLevel)
        return try Registry(dataDirectory: location.dataDirectory, lenientIDs: lenientID) { url in
            try URLPolicy.default.check(url)
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
