import ArgumentParser
import Foundation
import Ingest

/// How `skygate serve` patrols the cameras in patrol mode.
struct PatrolOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "When a patrol camera is due again, by local time of day: HH:MM=INTERVAL, comma-separated (intervals in "
                + "seconds or with s, m, h). Default: every 15 minutes from 07:00, hourly from 22:00.",
            valueName: "plan"))
    var patrolPlan: String = "07:00=15m,22:00=1h"

    @Option(help: ArgumentHelp("Visits at once. Default: 16 per core (a visit mostly waits on the camera).", valueName: "n"))
    var patrolConcurrency: Int?

    @Option(
        help: ArgumentHelp(
            "Visits at once to one host (an NVR or platform serves many channels, and limits its sessions).",
            valueName: "n"))
    var patrolPerHost: Int = PatrolConfiguration().perHostLimit

    @Option(help: ArgumentHelp("Keyframes analysed per visit.", valueName: "n"))
    var patrolKeyframes: Int = PatrolConfiguration().keyframes

    @Option(
        help: ArgumentHelp(
            "Seconds a visit may read once connected: a camera whose GOP is longer shows fewer keyframes.",
            valueName: "seconds"))
    var patrolVisitDeadline: Double = PatrolConfiguration().visitDeadline

    @Option(
        help: ArgumentHelp(
            "Minutes after which a camera with an open fault is visited again, if sooner than its plan.", valueName: "minutes"))
    var patrolFaultRevisit: Double = 5

    @Option(help: ArgumentHelp("Days patrol visits are kept.", valueName: "days"))
    var patrolKeepVisits: Double = 7

    func validate() throws {
        _ = try periods()
        for (name, value) in [
            ("--patrol-per-host", patrolPerHost), ("--patrol-keyframes", patrolKeyframes),
            ("--patrol-concurrency", patrolConcurrency ?? 1),
        ] where value < 1 {
            throw ValidationError("\(name) must be at least 1")
        }
        guard patrolVisitDeadline > 0, patrolFaultRevisit > 0, patrolKeepVisits > 0 else {
            throw ValidationError("--patrol-visit-deadline, --patrol-fault-revisit and --patrol-keep-visits must be positive")
        }
    }

    func configuration() throws -> PatrolConfiguration {
        var configuration = PatrolConfiguration(
            plan: PatrolPlan(periods: try periods(), faultRevisit: patrolFaultRevisit * 60), perHostLimit: patrolPerHost,
            keyframes: patrolKeyframes, visitDeadline: patrolVisitDeadline)
        if let patrolConcurrency { configuration.concurrency = patrolConcurrency }
        configuration.visitRetention = patrolKeepVisits * 86_400
        return configuration
    }

    /// `--patrol-plan` as periods; the error names the part that is wrong.
    private func periods() throws -> [PatrolPlan.Period] {
        try patrolPlan.split(separator: ",").map { part in
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let clock = pieces.first?.split(separator: ":").compactMap { Int($0) } ?? []
            guard pieces.count == 2, clock.count == 2, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]),
                let interval = parseDuration(pieces[1])
            else {
                throw ValidationError("--patrol-plan: '\(part)' is not HH:MM=INTERVAL (e.g. 07:00=15m,22:00=1h)")
            }
            return PatrolPlan.Period(startMinute: clock[0] * 60 + clock[1], interval: interval)
        }
    }
}
