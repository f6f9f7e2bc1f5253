import ArgumentParser
import EventExport
import Events
import Foundation
import SkygateService

/// Where `skygate serve` exports events, and how its detectors are set.
struct ExportOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "POST every event transition to this URL as a signed CloudEvent (Standard Webhooks signature).",
            valueName: "url"))
    var webhook: String?

    @Option(
        help: ArgumentHelp(
            "File holding the webhook's signing secret (whsec_…; make one with `skygate events secret`). Or set "
                + "SKYGATE_WEBHOOK_SECRET.",
            valueName: "file"))
    var webhookSecretFile: String?

    @Option(help: ArgumentHelp("Append events as NDJSON (one CloudEvent per line) to daily files here.", valueName: "dir"))
    var ndjson: String?

    @Option(help: ArgumentHelp("Start a new NDJSON file when one reaches this many MB.", valueName: "MB"))
    var ndjsonMaxMB: Int = 100

    @Option(
        help: ArgumentHelp(
            "Insert events into PostgreSQL (postgres://user:password@host:port/db; tables are created). To keep the "
                + "password off the command line, set SKYGATE_POSTGRES_URL instead.",
            valueName: "url"))
    var postgres: String?

    @Option(help: ArgumentHelp("Failed deliveries of one message before it is dead-lettered.", valueName: "n"))
    var deadLetterAfter: Int = 20

    @Option(
        help: ArgumentHelp(
            "Detector thresholds, defaults and per camera, as JSON (see docs/EVENTS.md).", valueName: "file"))
    var detectors: String?

    @Option(
        help: ArgumentHelp(
            "Write each month's assessment report (考核) here once the month is over: assessment-YYYY-MM.csv, .json "
                + "and .html; a month missed while the service was down is written when it starts.",
            valueName: "dir"))
    var assessmentDir: String?

    @Option(
        help: ArgumentHelp(
            "The time zone of the monthly assessment's months, e.g. Asia/Shanghai (default: the system's).",
            valueName: "zone"))
    var assessmentTimeZone: String?

    @Option(help: ArgumentHelp("This gateway's name in exported events (CloudEvents source).", valueName: "name"))
    var gatewayName: String = ProcessInfo.processInfo.hostName

    var postgresURL: String? { postgres ?? ProcessInfo.processInfo.environment["SKYGATE_POSTGRES_URL"] }

    func validate() throws {
        guard deadLetterAfter >= 1 else { throw ValidationError("--dead-letter-after must be at least 1") }
        guard ndjsonMaxMB >= 1 else { throw ValidationError("--ndjson-max-mb must be at least 1") }
        _ = try monthlyAssessment()
        if webhook != nil && webhookSecretFile == nil && ProcessInfo.processInfo.environment["SKYGATE_WEBHOOK_SECRET"] == nil {
            throw ValidationError(
                "--webhook needs a signing secret: --webhook-secret-file or SKYGATE_WEBHOOK_SECRET (make one with `skygate events secret`)"
            )
        }
    }

    /// Where and in which time zone monthly assessment reports go, if anywhere.
    func monthlyAssessment() throws -> MonthlyAssessmentSchedule? {
        if let name = assessmentTimeZone, TimeZone(identifier: name) == nil {
            throw ValidationError("--assessment-time-zone '\(name)': no such time zone")
        }
        guard let assessmentDir else {
            if assessmentTimeZone != nil { throw ValidationError("--assessment-time-zone needs --assessment-dir") }
            return nil
        }
        let zone = assessmentTimeZone.flatMap(TimeZone.init(identifier:)) ?? .current
        return MonthlyAssessmentSchedule(directory: URL(fileURLWithPath: assessmentDir).path, timeZone: zone)
    }

    /// The webhook secret, from its file or the environment.
    func webhookSecret() throws -> String? {
        guard webhook != nil else { return nil }
        if let webhookSecretFile {
            guard let text = try? String(contentsOfFile: webhookSecretFile, encoding: .utf8) else {
                throw CLIError(message: "cannot read the webhook secret file '\(webhookSecretFile)'", status: 66)
            }
            return text
        }
        return ProcessInfo.processInfo.environment["SKYGATE_WEBHOOK_SECRET"]
    }

    /// The detectors' thresholds: defaults, or `--detectors`.
    func detectorConfiguration() throws -> DetectorConfiguration {
        try detectors.map(DetectorConfiguration.init(contentsOf:)) ?? DetectorConfiguration()
    }

    /// The sinks and retry policy these options describe.
    func exportConfiguration() throws -> ExportConfiguration {
        var configuration = ExportConfiguration()
        configuration.gatewayName = gatewayName
        configuration.policy.maximumAttempts = deadLetterAfter
        if let webhook, let secret = try webhookSecret() { configuration.webhook = (webhook, secret) }
        configuration.ndjson = ndjson.map { ($0, ndjsonMaxMB * 1_000_000) }
        configuration.postgresURL = postgresURL
        return configuration
    }
}
