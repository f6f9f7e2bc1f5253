import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

/// The `skygate` command: the gateway's CLI and (in later releases) its service.
@main
struct Skygate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skygate",
        abstract: "Video and sensor gateway for city camera networks.",
        discussion: """
            Exit status: 0 success, 64 wrong usage, 65 the input is not valid media or was refused, 66 a file is \
            missing, 69 a stream could not be reached in time, 73 an output file could not be written, 74 the index \
            database failed, 75 the service is already running on this data directory.
            """,
        subcommands: [
            ServeCommand.self, StatusCommand.self, ClipCommand.self, ExportCommand.self, CoverageCommand.self,
            ProbeCommand.self, IndexCommand.self, KeyframesCommand.self, RegistryCommand.self, CameraCommand.self,
            GridCommand.self,
            LocationCommand.self, SensorCommand.self, EventsCommand.self, ReportCommand.self,
            TokenCommand.self, AuditCommand.self, GBCommand.self, PatrolCommand.self, DiagnoseCommand.self,
            FleetCommand.self,
        ])

    /// Runs the command line with every file Skygate creates (databases, segments, clips, keys, exports) readable by
    /// its own user only, in directories only it can enter: they hold video of public places and credentials.
    static func main() async {
        umask(0o077)
        await main(nil)
    }
}
