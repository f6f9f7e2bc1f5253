import ArgumentParser
import CameraRegistry
import EventExport
import Events
import Foundation
import MediaIO

/// `skygate events …`: what the detectors and sensors raised, and the export outbox.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List, show and export events; inspect the export outbox.",
        discussion: """
            Events live in <data-dir>/events.sqlite, written by `skygate serve` (camera faults) and `skygate sensor \
            alarm`. Each event keeps one ID from raised to cleared and carries its device's coordinates, grid path \
            and key locations.
            """,
        subcommands: [List.self, Show.self, Review.self, Reviews.self, Export.self, Outbox.self, Redeliver.self, Secret.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List events, newest first.")
        @OptionGroup var filter: EventFilterOptions
        @Option(help: "Show at most this many.") var limit: Int = 100
        @OptionGroup var format: OutputFormat
        @OptionGroup var location: DataLocation

        func run() throws {
            try reportingFailures {
                var query = try filter.query()
                query.limit = max(1, limit)
                let events = try openEventStore(location).events(query)
                try format.emit(header: EventRows.header, rows: events.map(EventRows.row), json: events)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one event as JSON, with its evidence and location.")
        @Argument(help: "Event ID.") var id: String
        @OptionGroup var location: DataLocation

        func run() throws {
            try reportingFailures {
                guard let event = try openEventStore(location).event(id: id) else {
                    throw CLIError(message: "no event '\(id)'", status: 66)
                }
                try printJSON(event)
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every matching event to a file (or standard output) as NDJSON, CSV or JSON.")
        @OptionGroup var filter: EventFilterOptions
        @Option(help: "ndjson, csv or json.") var format: String = "ndjson"
        @Option(name: .shortAndLong, help: ArgumentHelp("Output file (default: standard output).", valueName: "file"))
        var output: String?
        @OptionGroup var location: DataLocation

        func validate() throws {
            guard ["ndjson", "csv", "json"].contains(format) else { throw ValidationError("--format: ndjson, csv or json") }
        }

        func run() throws {
            try reportingFailures {
                var query = try filter.query()
                query.limit = Int.max
                try auditCommand(location, "events.export", output ?? "stdout", detail: format)
                let events = try openEventStore(location).events(query)
                var text = ""
                switch format {
                case "csv":
                    text = ([EventRows.header] + events.map(EventRows.row)).map(CSVRecords.line).joined(separator: "\n") + "\n"
                case "json":
                    text = String(decoding: try makeJSONEncoder(pretty: true).encode(events), as: UTF8.self) + "\n"
                default:
                    let encoder = makeJSONEncoder(pretty: false)
                    text = try events.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
                }
                if let output {
                    do {
                        try text.write(toFile: output, atomically: true, encoding: .utf8)
                    } catch {
                        throw CLIError(message: "cannot write '\(output)': \(error.localizedDescription)", status: 73)
                    }
                    writeStandardError("skygate: \(events.count) event\(events.count == 1 ? "" : "s") written to \(output)\n")
                } else {
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            }
        }
    }

    struct Outbox: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each sink's export backlog: pending, delivered and dead-lettered messages.")
        @OptionGroup var format: OutputFormat
        @OptionGroup var location: DataLocation

        func run() throws {
            try reportingFailures {
                let store = try openEventStore(location)
                let sinks = try store.sinks()
                var report: [String: [String: Int]] = [:]
                for sink in sinks { report[sink] = try store.counts(sink: sink) }
                try format.emit(
                    header: ["sink", "pending", "delivered", "dead"],
                    rows: sinks.map { sink in
                        [sink] + ["pending", "delivered", "dead"].map { String(report[sink]?[$0] ?? 0) }
                    }, json: report)
            }
        }
    }

    struct Redeliver: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a sink's dead-lettered messages back in its queue (after fixing what refused them).")
        @Option(help: "The sink: webhook, ndjson or postgres.") var sink: String
        @OptionGroup var location: DataLocation

        func run() throws {
            try reportingFailures {
                let count = try openEventStore(location).redeliver(sink: sink)
                print("\(count) message\(count == 1 ? "" : "s") of \(sink) queued again")
            }
        }
    }

    struct Secret: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new webhook signing secret (whsec_…) for --webhook-secret-file and the receiver.")
        func run() { print(WebhookSignature.makeSecret()) }
    }
}

/// The filters `events list` and `events export` share.
struct EventFilterOptions: ParsableArguments {
    @Option(name: [.customLong("camera"), .customLong("device")], help: "Only this camera's (or sensor's) events.")
    var device: String?
    @Option(help: "Only events in this grid or any grid below it.") var grid: String?
    @Option(name: .customLong("location"), help: "Only events linked to this key location.") var keyLocation: String?
    @Option(help: "Only these kinds, comma-separated (\(EventKind.allCases.map(\.rawValue).joined(separator: ", "))).")
    var kind: String?
    @Option(help: ArgumentHelp("Only events still open at or after this time.", valueName: "time")) var from: String?
    @Option(help: ArgumentHelp("Only events that started before this time.", valueName: "time")) var to: String?
    @Flag(help: "Only open events.") var open = false
    @Flag(help: "Only cleared events.") var cleared = false
    @Option(help: "Only events reviewed so (confirmed, false) or not yet reviewed (none).") var review: String?

    func validate() throws {
        if open && cleared { throw ValidationError("choose one of --open and --cleared") }
        _ = try query()
    }

    func query() throws -> EventQuery {
        var kinds: [EventKind] = []
        for name in (kind ?? "").split(separator: ",") {
            guard let kind = EventKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError(
                    "--kind '\(name)': choose from \(EventKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kinds.append(kind)
        }
        var query = EventQuery(
            device: device, grid: grid, keyLocation: keyLocation, kinds: kinds, state: open ? .open : cleared ? .cleared : nil,
            from: try wallTime("--from", from), to: try wallTime("--to", to))
        if let review {
            guard let filter = ReviewFilter(rawValue: review) else {
                throw ValidationError("--review '\(review)': choose confirmed, false or none")
            }
            query.review = filter
        }
        return query
    }
}

/// Events as table and CSV rows.
enum EventRows {
    static let header = [
        "id", "device", "kind", "state", "since", "cleared", "duration_s", "reason", "grid", "key_locations", "review",
    ]

    static func row(_ event: Event) -> [String] {
        [
            event.id, event.device, event.kind.rawValue, event.state.rawValue, TimeText.format(event.since),
            event.clearedAt.map(TimeText.format) ?? "-", fixed(event.duration(), 0), event.reason ?? "-",
            event.location.grids.first?.id ?? "-",
            event.location.keyLocations.map { "\($0.locationID)(\(Int($0.distance.rounded()))m)" }.joined(separator: ";"),
            event.review?.verdict.rawValue ?? "-",
        ]
    }
}

/// The event store of a data directory; an error naming it when there is none yet.
func openEventStore(_ location: DataLocation) throws -> EventStore {
    let path = (location.dataDirectory as NSString).appendingPathComponent("events.sqlite")
    guard FileManager.default.fileExists(atPath: path) else {
        throw CLIError(message: "no event store at '\(path)' (it is created by `skygate serve`)", status: 66)
    }
    do {
        return try EventStore(path: path)
    } catch {
        throw CLIError(message: "\(error)", status: 74)
    }
}
