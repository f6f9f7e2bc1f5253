public import Access
import Archive
public import CameraRegistry
import EventExport
public import Events
import Fleet
import Foundation
import GB28181
import Gateway
public import Ingest
public import Logging
import MediaIO
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The gateway service — ingest, the event engine, the exporters, the HTTP API and the live event feed — as one
/// `ServiceGroup`, built from a configuration. `skygate serve` is a thin shell over it; tests run it in-process.
///
/// The group shuts its services down in the reverse of their order here, which is the order the service must stop
/// in: the live feed ends its streams, the HTTP server finishes its requests, ingest closes every segment and flushes
/// the index, the engine writes what is waiting, and the exporters end their rounds.
public final class SkygateService: Sendable {
    public let configuration: SkygateConfiguration
    /// The ingest service, for its camera status.
    public let ingest: IngestService
    /// Patrol inspection, for its progress.
    public let patrol: PatrolService
    /// The event store, for its events and outbox.
    public let events: EventStore
    private let group: ServiceGroup
    private let lock: Mutex<ServiceLock?>

    /// Opens the stores (taking the data directory's service lock), starts the event engine and the exporters'
    /// threads, and arranges the rest to start when `run()` is called. Blocks (SQLite): call it on a thread of its
    /// own, or from a test.
    /// - Parameter onListening: called with the HTTP port once the server listens.
    public init(
        configuration: SkygateConfiguration, registry: Registry, access: AccessStore, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws {
        let directory = configuration.dataDirectory
        let lock = try ServiceLock(dataDirectory: directory)
        let archive = try ArchiveDatabase(path: configuration.archivePath ?? directory + "/archive.sqlite")
        let export = configuration.export
        // In a fleet, the centre is one more sink of the outbox, told the epochs the agent holds.
        let agent = configuration.fleet.map(FleetAgent.init(membership:))
        let sinkNames = export.sinkNames + (agent == nil ? [] : ["central"])
        let store = try EventStore(path: directory + "/events.sqlite", sinks: sinkNames)
        let exporters =
            try export.exporters(store: store)
            + (agent.map { agent in
                let membership = agent.membership
                return [
                    Exporter(sinkName: "central", store: store, policy: export.policy) {
                        try CentralEventSink(url: membership.centralURL, gateway: membership.gatewayName) { agent.epochs }
                    }
                ]
            } ?? [])
        // Streams of a token revoked from the CLI (another process) end within the feed's recheck interval; a token
        // that cannot be checked counts as revoked (the client reconnects and is authenticated again).
        // One read of the token table per recheck, for every stream's owner at once.
        let feed = EventFeed { owners in
            (try? await onOwnThread("token-check") {
                owners.intersection(try access.tokens().filter { $0.revokedAt == nil }.map(\.id))
            }) ?? []
        }
        let engine = try EventEngine(store: store, registry: registry, configuration: configuration.detectors) { recorded in
            for exporter in exporters { exporter.wake() }
            feed.publish(recorded)
        }
        // Before the engine starts its threads: the restored registrations are read here and may fail. A device's alarm
        // is an event of the channel it names.
        let sip = try configuration.gb.map {
            try GBService(configuration: $0, registry: registry, logger: Logger(label: "skygate.gb")) { alarm in
                _ = try engine.deviceAlarm(
                    device: alarm.source, alarm: alarm.name, description: alarm.description, priority: alarm.priority,
                    method: alarm.method, type: alarm.type, at: alarm.time,
                    idempotencyKey: IdempotencyKey(
                        "\(alarm.serialNumber)@\(alarm.time.timeIntervalSince1970)", sender: "gb:\(alarm.device)"))
            }
        }
        do {
            try engine.start()
        } catch {
            for exporter in exporters { exporter.stop() }
            throw error
        }
        // After the engine started: ingest's analysis threads start with it, and nothing would stop them otherwise.
        let ingest = IngestService(
            registry: registry, archive: archive, configuration: configuration.ingest,
            sources: Self.gbSources(sip), observe: { engine.observe($0) })
        Self.sweepScratch(directory + "/tmp")
        let descriptors = DescriptorLimit.raiseToHardLimit()
        let patrol = PatrolService(
            registry: registry, archive: archive, configuration: configuration.patrol, sources: Self.gbSources(sip),
            observe: { engine.observe($0) }, openFaults: { engine.camerasWithOpenFaults })
        var services: [any Service] = exporters + [engine, ingest, patrol]
        // After ingest: it hands ingest the grids to record, from the last share kept until the centre answers.
        if let agent {
            agent.handShare { grids in ingest.setShare(grids) }
            ingest.setShare(agent.lastShare())
            services.append(agent)
        }
        if let schedule = configuration.monthlyAssessment {
            services.append(
                MonthlyAssessment(
                    registry: registry, archive: archive, events: store, directory: schedule.directory,
                    timeZone: schedule.timeZone, logger: Logger(label: "skygate.assessment")))
        }
        // After ingest: the group stops in reverse, so devices stop being served before recording ends.
        if let sip { services.append(sip) }
        if let address = configuration.http {
            var gateway = GatewayServices(
                registry: registry, archive: archive, events: store, engine: engine, access: access, feed: feed,
                scratchDirectory: directory + "/tmp", sinks: sinkNames, ingest: ingest)
            gateway.clipLimits = configuration.clipLimits
            if let sip { gateway.refreshGBDevice = { device in sip.refresh(device: device) } }
            services.append(
                Gateway.application(
                    gateway, host: address.host, port: address.port,
                    maximumConnections: configuration.httpLimits.within(descriptorLimit: descriptors).maximumConnections,
                    idleTimeout: configuration.httpLimits.idleTimeout, logger: logger, onServerRunning: onListening)
            )
            services.append(feed)
        }
        group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                // A failing service (the HTTP port taken) shuts the others down in order, as a signal would; the
                // default, cancelling them all at once, would stop the engine and exporters beside ingest, and lose
                // the last transitions of the cameras.
                services: services.map {
                    ServiceGroupConfiguration.ServiceConfiguration(
                        service: $0, failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        self.configuration = configuration
        self.ingest = ingest
        self.patrol = patrol
        self.events = store
        self.lock = Mutex(lock)
    }

    /// Removes what an earlier run left in the scratch directory: clips of responses never written, or of a crash.
    private static func sweepScratch(_ directory: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix("clip-") {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
    }

    /// Runs until SIGTERM, SIGINT or `shutDown()`, then stops in order; throws if a service failed.
    public func run() async throws {
        defer { lock.withLock { $0 = nil } }
        try await group.run()
    }

    /// Starts the graceful shutdown, as SIGTERM would.
    public func shutDown() async { await group.triggerGracefulShutdown() }

    /// Whether every camera worker ended in time when ingest stopped.
    public var stoppedCleanly: Bool { ingest.stoppedCleanly }
}
