public import Archive
public import CameraRegistry
public import Events
public import Foundation
public import Logging
public import ServiceLifecycle

/// Writes each month's assessment report into a directory once the month is over: `assessment-2026-11.csv`, `.json`
/// and `.html` (`skygate serve --assessment-dir`). A month whose page is there is done; any that is missing (the
/// service was down when a month turned, or the directory is new) is written at the next check, from the month the
/// health history begins, so a restart neither repeats nor skips one.
public final class MonthlyAssessment: Service, Sendable {
    private let registry: Registry
    private let archive: ArchiveDatabase
    private let events: EventStore
    private let directory: String
    private let timeZone: TimeZone
    private let checkInterval: Duration
    private let logger: Logger

    /// - Parameter checkInterval: how often to look for a month to write (the first look is at start).
    public init(
        registry: Registry, archive: ArchiveDatabase, events: EventStore, directory: String, timeZone: TimeZone,
        checkInterval: Duration = .seconds(600), logger: Logger
    ) {
        self.registry = registry
        self.archive = archive
        self.events = events
        self.directory = directory
        self.timeZone = timeZone
        self.checkInterval = checkInterval
        self.logger = logger
    }

    /// The file name of a month's report, without its extension: `assessment-2026-11`.
    public static func name(of month: Date, timeZone: TimeZone) -> String {
        "assessment-" + month.formatted(Date.ISO8601FormatStyle(timeZone: timeZone).year().month().dateSeparator(.dash))
    }

    /// Writes the report of every month that is over and not written yet, from the month the health history begins
    /// (none before the gateway watched anything) to the one before `now`'s, at most `maximumMonths` of the latest;
    /// the names written, oldest first.
    @discardableResult
    public func writeDue(now: Date = Date(), maximumMonths: Int = 24) throws -> [String] {
        guard let first = try HealthLog(store: archive).earliest() else { return [] }
        var months: [(from: Date, to: Date)] = []
        var month = ReportPeriod.monthBefore(now, timeZone: timeZone)
        while month.to > first && months.count < maximumMonths {
            months.insert(month, at: 0)
            month = ReportPeriod.monthBefore(month.from, timeZone: timeZone)
        }
        return try months.compactMap { try write(from: $0.from, to: $0.to, now: now) }
    }

    /// Writes one month's report unless its page is there; its name, or nil when it was there.
    private func write(from: Date, to: Date, now: Date) throws -> String? {
        let name = Self.name(of: from, timeZone: timeZone)
        let base = (directory as NSString).appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: base + ".html") else { return nil }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let assessment = try AssessmentReport(registry: registry, archive: archive, events: events).make(
            from: from, to: to, timeZone: timeZone, now: now)
        let areas = Dictionary(uniqueKeysWithValues: try registry.grids().map { ($0.id, $0.area) })
        // The page last: its presence says the month is done.
        try Data(assessment.csv.utf8).write(to: URL(fileURLWithPath: base + ".csv"), options: .atomic)
        try GatewayJSON.encoder.encode(assessment).write(to: URL(fileURLWithPath: base + ".json"), options: .atomic)
        try Data(AssessmentDocument.html(assessment, areas: areas, timeZone: timeZone).utf8).write(
            to: URL(fileURLWithPath: base + ".html"), options: .atomic)
        return name
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    for name in try await blocking({ try self.writeDue() }) {
                        self.logger.info("monthly assessment report written", metadata: ["report": "\(name)"])
                    }
                } catch {
                    self.logger.error("monthly assessment report failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: self.checkInterval)
            }
        }
    }
}
