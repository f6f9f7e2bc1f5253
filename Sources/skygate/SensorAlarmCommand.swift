import ArgumentParser
import CameraRegistry
import Events
import Foundation

extension SensorCommand {
    /// `skygate sensor alarm`: a sensor's alarm from its controller, recorded and exported like a camera event.
    struct Alarm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a sensor alarm (or its end with --clear); exported like camera events.",
            discussion: """
                The alarm is linked to the sensor's grid path and key locations from the registry. Pass the sender's \
                own message ID as --key: sending the same key again records nothing and prints the first event, so \
                a controller may retry safely. Exit status 0 once the alarm is stored.
                """)
        @Argument(help: "Sensor ID (as registered).") var id: String
        @Option(help: ArgumentHelp("What the sensor reports, e.g. smoke, gas, water_level_high, door_open.", valueName: "kind"))
        var kind: String
        @Option(help: ArgumentHelp("When it happened (default: now).", valueName: "time")) var at: String = "now"
        @Option(help: ArgumentHelp("The sender's idempotency key (its message ID).", valueName: "key")) var key: String?
        @Option(help: "A reading that goes with it (ppm, cm, …).") var value: Double?
        @Flag(help: "The alarm is over: clear the sensor's open alarm.") var clear = false
        @Flag(help: "Print the event as JSON.") var json = false
        @OptionGroup var options: RegistryOptions

        func validate() throws {
            guard parseWallTime(at) != nil else {
                throw ValidationError("--at '\(at)': expected ISO 8601, local time, now-5m or @unix")
            }
            guard kind.range(of: #"^[a-z0-9][a-z0-9_\-]{0,63}$"#, options: .regularExpression) != nil else {
                throw ValidationError("--kind '\(kind)': 1–64 lowercase letters, digits, '_' or '-'")
            }
            if let key, key.isEmpty || key.count > 200 { throw ValidationError("--key: 1–200 characters") }
        }

        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                guard try registry.sensor(id: id) != nil else {
                    throw CLIError(message: "no sensor '\(id)' in the registry", status: 65)
                }
                let store = try EventStore(
                    path: (options.location.dataDirectory as NSString).appendingPathComponent("events.sqlite"))
                let engine = try EventEngine(store: store, registry: registry)
                try auditCommand(
                    options.location, "sensor.alarm", id,
                    detail: "\(kind) \(clear ? "cleared" : "raised")\(key.map { " key \($0)" } ?? "")")
                let outcome = try engine.sensorAlarm(
                    sensor: id, alarm: kind, phase: clear ? .cleared : .raised, at: parseWallTime(at)!,
                    idempotencyKey: key.map { IdempotencyKey($0, sender: "cli") },
                    value: value)
                switch outcome {
                case .recorded(let event), .duplicate(let event):
                    if json {
                        try printJSON(event)
                    } else {
                        let note = if case .duplicate = outcome { " (key seen before: nothing new recorded)" } else { "" }
                        print("event \(event.id): \(event.device) \(event.reason ?? kind) \(event.state.rawValue)\(note)")
                    }
                case .ignored:
                    throw CLIError(message: "sensor '\(id)' has no open alarm to clear", status: 65)
                }
            }
        }
    }
}
