import ArgumentParser
import CameraRegistry

/// `skygate registry import|export`.
struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Import or export the camera registry (cameras, grids, key locations, sensors).",
        discussion: "The file formats are described in camera-registry/README.md.",
        subcommands: [Import.self, Export.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import cameras.csv, sensors.csv, grids.geojson and key-locations.geojson from a directory.",
            discussion: """
                All or nothing, upserting by ID. Every invalid row or feature is reported with its file, line or feature, \
                column and reason, and then nothing is written. Cameras and sensors are linked to grids and key locations.
                """)

        @Argument(help: ArgumentHelp("Directory holding the registry files.", valueName: "dir")) var directory: String
        @Flag(help: "Validate and count, write nothing.") var dryRun = false
        @Flag(help: "Print the summary as JSON.") var json = false
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                let summary = try registry.importDirectory(directory, dryRun: dryRun) { _ in
                    try auditCommand(options.location, "registry.import", directory)
                }
                if json { return try printJSON(summary) }
                func counts(_ name: String, _ value: ImportCounts) -> String {
                    "\(name): \(value.added) added, \(value.updated) updated"
                }
                print(dryRun ? "dry run: nothing was written" : "imported \(directory)")
                for line in [
                    counts("grids", summary.grids), counts("key locations", summary.keyLocations),
                    counts("cameras", summary.cameras),
                    counts("sensors", summary.sensors),
                ] { print("  " + line) }
                if summary.camerasOutsideGrids > 0 { print("  \(summary.camerasOutsideGrids) cameras lie in no grid") }
                if !summary.credentialsDropped.isEmpty {
                    print(
                        "  stored credentials dropped (a stream URL now points elsewhere): "
                            + summary.credentialsDropped.joined(separator: ", "))
                }
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the registry to a directory in the import format.",
            discussion: "Stream credentials are never exported; importing the export again keeps the stored ones.")

        @Argument(help: ArgumentHelp("Directory to write (created if needed).", valueName: "dir")) var directory: String
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                let summary = try options.open().exportDirectory(directory)
                print(
                    "exported \(summary.cameras) cameras, \(summary.grids) grids, \(summary.keyLocations) key locations, \(summary.sensors) sensors to \(directory)"
                )
            }
        }
    }
}
