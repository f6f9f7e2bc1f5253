import Archive
import ArgumentParser
import CameraRegistry
import Foundation
import Ingest
import MediaIO

/// `skygate patrol status|visits|rounds|run-now`: patrol inspection as the running service records it.
struct PatrolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patrol",
        abstract: "Patrol inspection (巡检) of the cameras in patrol mode: the round's progress and each camera's visits.",
        discussion: """
            `skygate serve` visits every camera in patrol mode in rounds (`skygate camera set-mode ID patrol`, \
            `skygate grid set-mode G patrol`): it connects, analyses a few keyframes, measures the stream and \
            disconnects. These commands read what it stores in <data-dir>/archive.sqlite, from any shell.
            """,
        subcommands: [Status.self, Visits.self, Rounds.self, RunNow.self])

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The current round's progress and each patrol camera's latest visit, oldest first.")
        @Option(help: "Only the cameras of this grid and the grids below it.") var grid: String?
        @Flag(help: "List every camera (by default the 20 visited longest ago).") var all = false
        @Flag(help: "Show only the round's progress, redrawn every second until Ctrl-C.") var watch = false
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions

        func validate() throws {
            if watch && (grid != nil || format.json || format.csv) {
                throw ValidationError("--watch shows the whole patrol's progress: give it without --grid, --json or --csv")
            }
        }

        func run() throws {
            try reportingFailures {
                let archive = try ArchiveDatabase(path: options.location.indexPath)
                if watch { try watchProgress(StatusStore(store: archive)) }
                let report = try PatrolReport.read(registry: try options.open(), archive: archive, gridID: grid)
                if !format.json && !format.csv { printSummary(report) }
                let shown = all || format.json || format.csv ? report.cameras : Array(report.cameras.prefix(20))
                try format.emit(
                    header: ["camera", "name", "grid", "last visit", "outcome", "reason", "keyframes", "stream", "GOP s"],
                    rows: shown.map(row), json: report)
            }
        }

        /// Redraws the progress line in place on a terminal (a line per change elsewhere); returns only on a signal.
        private func watchProgress(_ status: StatusStore) throws -> Never {
            let terminal = isatty(STDOUT_FILENO) == 1
            var shown = ""
            while true {
                let line =
                    try status.read(patrol: PatrolProgress.self).map { progressLine($0, bar: terminal) }
                    ?? "no round yet: `skygate serve` patrols the cameras in patrol mode"
                if line != shown {
                    if terminal { print("\r\u{1B}[K" + line, terminator: "") } else { print(line) }
                    fflush(nil)  // every stream: `stdout` itself is shared mutable state to Swift 6
                    shown = line
                }
                Thread.sleep(forTimeInterval: 1)
            }
        }

        private func printSummary(_ report: PatrolReport) {
            if let progress = report.progress {
                print(progressLine(progress, bar: isatty(STDOUT_FILENO) == 1))
            } else {
                print("no round yet: `skygate serve` patrols the cameras in patrol mode")
            }
            let outcomes = report.outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            print(
                "\(report.total) cameras in patrol mode; latest visits: "
                    + (outcomes.isEmpty ? "none" : outcomes.joined(separator: ", "))
                    + (report.neverVisited > 0 ? "; \(report.neverVisited) never visited" : ""))
        }
    }

    struct Rounds: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The finished rounds, newest first: when, how long, and their visits by outcome.")
        @Option(help: "How many rounds (default 20).") var limit = 20
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                let rounds = try PatrolRoundLog(store: ArchiveDatabase(path: options.location.indexPath))
                    .recent(limit: max(1, limit))
                if !format.json && !format.csv && rounds.isEmpty { print("no round finished yet") }
                try format.emit(
                    header: ["started", "ended", "minutes", "cameras", "visits", "ok", "unreachable", "no keyframe"],
                    rows: rounds.map { round in
                        [
                            TimeText.format(round.startedAt), TimeText.format(round.endedAt),
                            fixed(round.endedAt.timeIntervalSince(round.startedAt) / 60, 1), "\(round.cameras)",
                            "\(round.visits)", "\(round.ok)", "\(round.unreachable)", "\(round.noKeyframe)",
                        ]
                    }, json: rounds)
            }
        }
    }

    struct RunNow: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run-now",
            abstract: "Visit every patrol camera now, or those of one grid, ahead of the routine order.",
            discussion: """
                The running `skygate serve` takes the request within a second: the cameras are due at once, even in a \
                quiet window, and go before every other camera; their visits count in the round under way. A request \
                waits 10 minutes at most for a running service. Audited.
                """)
        @Option(help: "Only the cameras of this grid and the grids below it.") var grid: String?
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                if let grid, try registry.grid(id: grid) == nil { throw RegistryError(.notFound, "no grid \(grid)") }
                let cameras = try registry.cameras(CameraFilter(gridID: grid, modes: [.patrol])).count
                try auditCommand(options.location, "patrol.run-now", grid ?? "all")
                let request = try PatrolRoundLog(store: ArchiveDatabase(path: options.location.indexPath))
                    .requestRun(grid: grid, by: commandLineActor)
                print(
                    "requested (#\(request.id)): \(cameras) patrol camera\(cameras == 1 ? "" : "s")"
                        + (grid.map { " of grid \($0)" } ?? "") + " to be visited now by the running `skygate serve`")
            }
        }
    }

    struct Visits: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A camera's visits, newest first.",
            discussion: """
                "clock s" is how many seconds the camera's clock is ahead of the gateway's (negative: behind), from the \
                RTCP sender reports of an RTSP camera; "-" when none came during the visit (the first comes a few \
                seconds into a session, so a short visit often sees none).
                """)
        @Argument(help: "Camera ID.") var camera: String
        @Option(help: "How many visits (default 20).") var limit = 20
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                guard try options.open().hasCamera(id: camera) else { throw RegistryError(.notFound, "no camera \(camera)") }
                let archive = try ArchiveDatabase(path: options.location.indexPath)
                let visits = try PatrolVisitLog(store: archive).recent(camera: camera, limit: max(1, limit))
                try format.emit(
                    header: [
                        "started", "seconds", "outcome", "reason", "keyframes", "stream", "fps", "declared fps", "GOP s",
                        "kbit/s", "clock s", "lost packets",
                    ],
                    rows: visits.map { visit in
                        [
                            TimeText.format(visit.startedAt), fixed(visit.duration, 1), visit.outcome.rawValue,
                            visit.reason ?? "", "\(visit.keyframes.count)", streamText(visit.stream),
                            visit.stream?.frameRate.map { fixed($0, 1) } ?? "-",
                            visit.stream?.declaredFrameRate.map { fixed($0, 0) } ?? "-", gopText(visit.stream),
                            visit.stream?.bitrate.map { fixed($0 / 1000, 0) } ?? "-", signedText(visit.stream?.clockOffset),
                            visit.stream?.packetsLost.map { "\($0)" } ?? "-",
                        ]
                    }, json: visits)
            }
        }
    }
}

/// "round 3 [██████░░░░░░░░░░░░░░] 31 %: 2,170 of 7,000 cameras visited since …", the bar on a terminal only.
private func progressLine(_ progress: PatrolProgress, bar: Bool) -> String {
    let share = progress.cameras > 0 ? min(1, Double(progress.visited) / Double(progress.cameras)) : 0
    let width = 20
    let filled = Int((share * Double(width)).rounded(.down))
    let drawn = bar ? " [" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "]" : ""
    return "round \(progress.round)\(drawn) \(Int(share * 100)) %: \(progress.visited) of \(progress.cameras) cameras "
        + "visited since \(TimeText.format(progress.roundStartedAt)), \(progress.running) visits running "
        + "(as of \(TimeText.format(progress.at)))"
}

/// One camera's line of `patrol status`.
private func row(_ line: PatrolReport.CameraLine) -> [String] {
    guard let visit = line.lastVisit else { return [line.camera, line.name, line.grid ?? "-", "never", "", "", "", "", ""] }
    return [
        line.camera, line.name, line.grid ?? "-", TimeText.format(visit.startedAt), visit.outcome.rawValue,
        visit.reason ?? "", "\(visit.keyframes.count)", streamText(visit.stream), gopText(visit.stream),
    ]
}

/// "h264 1920×1080", or "-".
func streamText(_ facts: StreamFacts?) -> String {
    facts.map { "\($0.codec) \($0.width)×\($0.height)" } ?? "-"
}

/// A camera's clock against the gateway's: "+90.0", "-0.3", or "-" when unknown.
func signedText(_ seconds: Double?) -> String {
    guard let seconds else { return "-" }
    return (seconds >= 0 ? "+" : "") + fixed(seconds, 1)
}

/// "2.00", "≥ 8.0" for a lower bound, or "-".
func gopText(_ facts: StreamFacts?) -> String {
    guard let gop = facts?.gop else { return "-" }
    return facts?.gopAtLeast == true ? "≥ \(fixed(gop, 1))" : fixed(gop, 2)
}
