public import EventExport
public import Events
public import Fleet
public import Foundation
public import GB28181
import Gateway
public import Ingest

/// Everything `skygate serve` is told, as values: what the command line (or a test) gives `SkygateService.build`.
public struct SkygateConfiguration: Sendable {
    /// The data directory, absolute: `archive.sqlite`, `events.sqlite`, `segments/`, `tmp/`.
    public var dataDirectory: String
    /// The archive database, if not `<data-dir>/archive.sqlite`.
    public var archivePath: String?
    public var ingest: IngestConfiguration
    /// Patrol inspection of the cameras in patrol mode.
    public var patrol = PatrolConfiguration()
    public var detectors = DetectorConfiguration()
    public var export = ExportConfiguration()
    /// Where the HTTP API and dashboard listen; nil serves no HTTP.
    public var http: HTTPAddress? = HTTPAddress(host: "127.0.0.1", port: 8080)
    /// Connections and idle time allowed to HTTP clients (capped at start to half the descriptor limit).
    public var httpLimits = HTTPLimits()
    /// The GB/T 28181 SIP server; nil (the default) runs none.
    public var gb: GBConfiguration?
    /// Fleet mode (`serve --central`): record only the grids the central store assigns. Nil: on its own.
    public var fleet: FleetMembership?
    /// Where each month's assessment report is written once the month is over; nil writes none.
    public var monthlyAssessment: MonthlyAssessmentSchedule?
    /// Clip exports at once, and the free space they must leave for recording.
    var clipLimits = ClipLimits()

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
        ingest = IngestConfiguration(dataDirectory: dataDirectory)
    }
}

/// Where monthly assessment reports go, and the time zone whose months they cover.
public struct MonthlyAssessmentSchedule: Sendable, Equatable {
    public var directory: String
    public var timeZone: TimeZone

    public init(directory: String, timeZone: TimeZone) {
        self.directory = directory
        self.timeZone = timeZone
    }
}

/// A host and port to listen on (port 0 picks a free one).
public struct HTTPAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT` (IPv6 in brackets); nil when it is not one.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    /// The host as it goes in a URL.
    public var urlHost: String { host.contains(":") ? "[\(host)]" : host }
}

/// Where events are exported besides the event store, and how deliveries are retried.
public struct ExportConfiguration: Sendable {
    /// POST each transition as a signed CloudEvent here, with this Standard Webhooks secret (`whsec_…`).
    public var webhook: (url: String, secret: String)?
    /// Append NDJSON to daily files in this directory, a new file past `maximumBytes`.
    public var ndjson: (directory: String, maximumBytes: Int)?
    /// Insert into PostgreSQL (`postgres://…`).
    public var postgresURL: String?
    public var policy = ExportPolicy()
    /// This gateway's name in exported events (CloudEvents `source` is `/skygate/<name>`).
    public var gatewayName = ProcessInfo.processInfo.hostName

    public init() {}

    /// The sinks, by their names in the outbox.
    public var sinkNames: [String] {
        (webhook == nil ? [] : ["webhook"]) + (ndjson == nil ? [] : ["ndjson"]) + (postgresURL == nil ? [] : ["postgres"])
    }

    /// One exporter per sink, each started on its own thread, where its sink is made. A bad webhook secret fails here,
    /// not on the first event.
    func exporters(store: EventStore) throws -> [Exporter] {
        let source = "/skygate/\(gatewayName)"
        var exporters: [Exporter] = []
        if let (url, secret) = webhook {
            _ = try WebhookSignature(secret: secret)
            exporters.append(
                Exporter(sinkName: "webhook", store: store, policy: policy) {
                    try WebhookSink(url: url, secret: secret, source: source)
                })
        }
        if let (directory, maximumBytes) = ndjson {
            exporters.append(
                Exporter(sinkName: "ndjson", store: store, policy: policy) {
                    try NDJSONSink(directory: directory, maximumBytes: maximumBytes, source: source)
                })
        }
        if let url = postgresURL {
            exporters.append(Exporter(sinkName: "postgres", store: store, policy: policy) { try PostgresSink(url: url) })
        }
        return exporters
    }
}

extension SkygateConfiguration {
    /// Sets how many clip exports may run at once, and exactly how much free space (GiB) they must leave on the
    /// recording filesystem (instead of the default: 2 GiB or 5 % of it, whichever is larger); nil keeps a default.
    public mutating func limitClipExports(concurrent: Int?, reservingGiB reserve: Double?) {
        if let concurrent { clipLimits.maximumConcurrent = concurrent }
        if let reserve {
            clipLimits.minimumFreeBytes = Int64(reserve * Double(1 << 30))
            clipLimits.minimumFreeFraction = 0
        }
    }
}
