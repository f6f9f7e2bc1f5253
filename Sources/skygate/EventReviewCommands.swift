import ArgumentParser
import Events
import Foundation

/// `skygate events review` and `skygate events reviews`: an operator's verdict on an event (复核), and the verdicts
/// counted per camera and kind.
extension EventsCommand {
    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an event confirmed or a false alarm (复核), with a note; a later review replaces it.",
            discussion: """
                A false alarm is kept and shown as such, and does not count against the camera's fault-free time \
                (`skygate report availability`). Each review is in the audit trail, with its verdict.
                """)
        @Argument(help: "Event ID.") var id: String
        @Option(help: "confirmed, or false for a false alarm.") var verdict: String
        @Option(help: "What you saw (at most \(EventReview.noteLimit) characters).") var note: String?
        @OptionGroup var location: DataLocation

        func validate() throws {
            guard EventReview.Verdict(rawValue: verdict) != nil else {
                throw ValidationError("--verdict '\(verdict)': choose confirmed or false")
            }
            if let note, let problem = EventReview.problem(withNote: note) { throw ValidationError("--note: \(problem)") }
        }

        func run() throws {
            try reportingFailures {
                let verdict = EventReview.Verdict(rawValue: verdict)!
                let store = try openEventStore(location)
                guard try store.event(id: id) != nil else { throw CLIError(message: "no event '\(id)'", status: 66) }
                try auditCommand(location, "event.review", id, detail: verdict.rawValue)
                let review = EventReview(verdict: verdict, by: commandLineActor, at: Date(), note: note)
                guard let event = try store.review(id: id, review) else {
                    throw CLIError(message: "no event '\(id)'", status: 66)
                }
                print("\(event.id) \(event.kind.rawValue) of \(event.device): \(Self.text(verdict))")
            }
        }

        static func text(_ verdict: EventReview.Verdict) -> String {
            switch verdict {
            case .confirmed: "confirmed"
            case .falseAlarm: "a false alarm"
            }
        }
    }

    struct Reviews: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Events per camera and kind with their verdicts, most false alarms first, and what to change.",
            discussion: """
                Counts the events raised in the range (default: all). Where a camera's false alarms of one kind are \
                a habit (at least \(ReviewTally.suggestAfter), and more than the confirmed ones), the last column \
                names the detector settings to change for that camera (`serve --detectors FILE`).
                """)
        @Option(help: ArgumentHelp("Only events raised at or after this time.", valueName: "time")) var from: String?
        @Option(help: ArgumentHelp("Only events raised before this time.", valueName: "time")) var to: String?
        @OptionGroup var format: OutputFormat
        @OptionGroup var location: DataLocation

        func run() throws {
            try reportingFailures {
                let tallies = try openEventStore(location).reviewTallies(
                    from: try wallTime("--from", from), to: try wallTime("--to", to))
                try format.emit(
                    header: ["device", "kind", "events", "confirmed", "false", "unreviewed", "suggestion"],
                    rows: tallies.map {
                        [
                            $0.device, $0.kind.rawValue, "\($0.events)", "\($0.confirmed)", "\($0.falseAlarms)",
                            "\($0.unreviewed)", $0.suggestion ?? "",
                        ]
                    }, json: tallies)
            }
        }
    }
}
