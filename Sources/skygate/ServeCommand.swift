import Access
import ArgumentParser
import CameraRegistry
import Fleet
import Foundation
import Logging
import MediaIO
import SkygateService

/// `skygate serve`: the gateway service (`SkygateService`) until SIGTERM or Ctrl-C. This command only turns its
/// options into a configuration, prints what it serves, and reports how it stopped.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: record the registry's cameras in record mode until stopped (SIGTERM or Ctrl-C).",
        discussion: """
            One worker per camera in record mode connects (deadlines, reconnects with backoff), records by stream copy into \
            MPEG-TS segments under <data-dir>/segments/<camera>/, indexes every keyframe in <data-dir>/archive.sqlite \
            and analyses keyframes for video-quality statistics. Cameras added, changed, switched to another mode or removed with \
            `skygate camera …` or `skygate registry import` are picked up within a second, without a restart. \
            Recordings are kept as long as each camera's retention days allow, and within --max-camera-gb and \
            --max-total-gb. `skygate status` shows each camera's state.

            The HTTP API, /metrics and the web dashboard listen on --http (127.0.0.1:8080). Every API call needs a \
            bearer token (`skygate token create`); when no admin token exists, the first start makes one and prints \
            it once. SIGTERM or Ctrl-C stops accepting connections, finishes the requests in flight, closes every \
            segment, flushes the index and writes the outbox before exiting.
            """)

    @OptionGroup var registryOptions: RegistryOptions
    @OptionGroup(title: "Recording") var recording: RecordingOptions
    @OptionGroup(title: "Events and export") var export: ExportOptions
    @OptionGroup(title: "HTTP") var http: HTTPOptions
    @OptionGroup(title: "GB/T 28181") var sip: SIPOptions
    @OptionGroup(title: "Patrol inspection") var patrol: PatrolOptions
    @OptionGroup(title: "Fleet") var fleet: FleetOptions

    func run() async throws {
        MemoryTuning.limitMallocArenas(to: 2)
        MemoryTuning.trimPeriodically(every: 30)
        try await reportingFailures {
            // FFmpeg's own messages only at debug: each failure is reported once, as the camera's health.
            let registry = try registryOptions.open(defaultLogLevel: .info, ffmpegCeiling: .debug)
            let location = registryOptions.location
            let dataDirectory = URL(
                fileURLWithPath: location.dataDirectory,
                relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            ).standardizedFileURL.path
            var configuration = SkygateConfiguration(dataDirectory: dataDirectory)
            configuration.archivePath = location.database
            configuration.ingest = recording.ingestConfiguration(
                dataDirectory: dataDirectory, urlPolicy: try registryOptions.urlPolicy())
            configuration.detectors = try export.detectorConfiguration()
            configuration.export = try export.exportConfiguration()
            configuration.monthlyAssessment = try export.monthlyAssessment()
            http.apply(to: &configuration)
            configuration.gb = try sip.configuration()
            configuration.patrol = try patrol.configuration()
            fleet.apply(to: &configuration, gatewayName: export.gatewayName)
            let access = try openAccessStore(location)
            try announceFirstAdminToken(access)
            let configured = configuration
            let banner = try startBanner(registry: registry, configuration)
            let service = try await onOwnThread("serve-start") {
                try SkygateService(
                    configuration: configured, registry: registry, access: access, logger: Logger(label: "skygate.serve")
                ) { port in
                    let url = configured.http.map { "http://\($0.urlHost):\(port)/" } ?? ""
                    writeStandardError("\(banner); API and dashboard on \(url); stop with Ctrl-C or SIGTERM\n")
                }
            }
            if configuration.http == nil { writeStandardError("\(banner); no HTTP (--http off); stop with Ctrl-C or SIGTERM\n") }
            do {
                try await service.run()
            } catch {
                throw CLIError(message: "the service stopped: \(error)", status: 69)
            }
            writeStandardError(
                service.stoppedCleanly
                    ? "skygate: stopped; requests finished, segments closed, index flushed\n"
                    : "skygate: stopped; some cameras did not stop in time\n")
        }
    }

    /// What the service serves, for its first line.
    private func startBanner(registry: Registry, _ configuration: SkygateConfiguration) throws -> String {
        let modes = try registry.cameraModes().map(\.mode)
        let (cameras, patrolled) = (modes.count { $0 == .record }, modes.count { $0 == .patrol })
        let sinks =
            configuration.export.sinkNames.isEmpty
            ? "the event store only" : configuration.export.sinkNames.joined(separator: ", ")
        return
            "skygate: serving \(cameras) camera\(cameras == 1 ? "" : "s")"
            + (patrolled > 0 ? " and patrolling \(patrolled)" : "")
            + " from \(configuration.dataDirectory); events to \(sinks)"
            + (configuration.fleet.map { "; in fleet group \($0.failoverGroup) as \($0.gatewayName), the grids assigned only" }
                ?? "")
    }
}
