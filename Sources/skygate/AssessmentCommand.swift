import Archive
import ArgumentParser
import CameraRegistry
import Events
import Foundation
import Gateway

/// `skygate report assessment`: the figures a governance centre is assessed on (考核), per grid and key location.
struct AssessmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assessment",
        abstract:
            "The assessment report (考核): online, fault-free, recording, HD, filing and clock figures per grid and key location.",
        discussion: """
            For a day (--day 2026-11-30), a month (--month 2026-11) or any range (--from, --to; the last 24 hours by \
            default), in --time-zone (the system's by default). Rows: everything reported, each grid at every level \
            (a grid sums the cameras in it and below it), each key location, each camera, and the worst cameras.

            Online and fault-free rates are shares of the monitored time (as in `report availability`); the \
            fault-free rate is given twice: counting every fault not reviewed as a false alarm, and counting only \
            confirmed ones. Recording completeness is what the index holds of the period for cameras in record mode. \
            HD rate: cameras at 1080p or better among those whose picture size the period shows. Filing completeness: \
            cameras with coordinates, a grid, a purpose, a retention, a GB/T 28181 ID, a manufacturer and a model. \
            Clock accuracy: watched cameras that drew no clock offset event. Faults by kind with their mean time to \
            repair (raised → cleared).

            --format csv writes UTF-8 with a byte-order mark so a spreadsheet keeps the Chinese names; --format html \
            a page that prints to A4. With --output the report goes to that file instead of standard output.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json, html }

    @Option(help: ArgumentHelp("A local day.", valueName: "yyyy-mm-dd")) var day: String?
    @Option(help: ArgumentHelp("A local month.", valueName: "yyyy-mm")) var month: String?
    @Option(help: ArgumentHelp("Start (default: 24 hours ago).", valueName: "time")) var from: String?
    @Option(help: ArgumentHelp("End (default: now).", valueName: "time")) var to: String?
    @Option(help: "Only cameras in this grid or below it.") var grid: String?
    @Option(help: ArgumentHelp("The time zone of days and months, e.g. Asia/Shanghai.", valueName: "zone"))
    var timeZone: String?
    @Option(help: "table, csv, json or html.") var format: Format = .table
    @Option(name: [.short, .long], help: ArgumentHelp("Write the report to this file.", valueName: "file"))
    var output: String?
    @OptionGroup var options: RegistryOptions

    func validate() throws { _ = try period() }

    func zone() throws -> TimeZone {
        guard let name = timeZone else { return .current }
        guard let zone = TimeZone(identifier: name) else { throw ValidationError("--time-zone '\(name)': no such time zone") }
        return zone
    }

    /// The period asked for: exactly one of a day, a month or a range.
    func period() throws -> (from: Date, to: Date) {
        let named = [day, month].compactMap { $0 }.count + (from != nil || to != nil ? 1 : 0)
        guard named <= 1 else { throw ValidationError("choose one of --day, --month and --from/--to") }
        if let day {
            guard let period = ReportPeriod.day(day, timeZone: try zone()) else {
                throw ValidationError("--day '\(day)': expected yyyy-mm-dd")
            }
            return period
        }
        if let month {
            guard let period = ReportPeriod.month(month, timeZone: try zone()) else {
                throw ValidationError("--month '\(month)': expected yyyy-mm")
            }
            return period
        }
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, parseWallTime(value) == nil {
                throw ValidationError("\(name) '\(value)': expected ISO 8601, local time, now-24h or @unix")
            }
        }
        let (start, end) = (parseWallTime(from ?? "now-24h")!, parseWallTime(to ?? "now")!)
        guard start < end else { throw ValidationError("--from must be before --to") }
        return (start, end)
    }

    func run() throws {
        try reportingFailures {
            let registry = try options.open()
            let eventsPath = (options.location.dataDirectory as NSString).appendingPathComponent("events.sqlite")
            let store = FileManager.default.fileExists(atPath: eventsPath) ? try EventStore(path: eventsPath) : nil
            let (start, end) = try period()
            let zone = try zone()
            let assessment = try AssessmentReport(
                registry: registry, archive: try ArchiveDatabase(path: options.location.indexPath), events: store
            ).make(from: start, to: end, grid: grid, timeZone: zone)
            let text: String =
                switch format {
                case .csv: assessment.csv
                case .json: String(decoding: try makeJSONEncoder(pretty: true).encode(assessment), as: UTF8.self) + "\n"
                case .html:
                    AssessmentDocument.html(
                        assessment, areas: Dictionary(uniqueKeysWithValues: try registry.grids().map { ($0.id, $0.area) }),
                        timeZone: zone)
                case .table: table(assessment)
                }
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                writeStandardError("report assessment: wrote \(output)\n")
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }

    /// Everything reported, the grids and key locations, then the worst cameras, as terminal tables.
    func table(_ assessment: Assessment) -> String {
        let header = [
            "scope", "name", "cameras", "online %", "fault-free %", "confirmed %", "recording %", "HD %", "filing %", "clock %",
            "faults",
        ]
        func line(_ row: AssessmentRow) -> [String] {
            let shares = [
                row.onlinePercent, row.faultFreePercent, row.faultFreeConfirmedPercent, row.recordingCompletenessPercent,
                row.hdPercent, row.filingPercent, row.clockAccuracyPercent,
            ].map { $0.map { fixed($0, 2) } ?? "-" }
            let name = row.scope == .total ? "(all)" : row.name.isEmpty ? row.id : row.name
            return [row.scope.rawValue, name, String(row.cameras)] + shares + [
                String(row.faults.values.reduce(0) { $0 + $1.count })
            ]
        }
        var text = tableText(header: header, rows: ([assessment.total] + assessment.grids + assessment.locations).map(line))
        if !assessment.worst.isEmpty {
            text += "\nworst cameras:\n" + tableText(header: header, rows: assessment.worst.map(line))
        }
        return text
    }
}
