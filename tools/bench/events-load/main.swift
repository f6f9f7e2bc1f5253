import EventExport
import Events
import Foundation

/// Load for tools/bench/events: records transitions into a fresh event store in group commits, as the engine's
/// writer does, while an exporter delivers them to a webhook; prints one JSON line with the rates.
///
///     events-load --events N --devices D --batch B --webhook URL --secret-file F
var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let key = arguments.next(), let value = arguments.next() { options[key] = value }
let total = Int(options["--events"] ?? "") ?? 20_000
let devices = Int(options["--devices"] ?? "") ?? 1000
let batch = Int(options["--batch"] ?? "") ?? 200
guard let url = options["--webhook"], let secretFile = options["--secret-file"],
    let secret = try? String(contentsOfFile: secretFile, encoding: .utf8)
else {
    FileHandle.standardError.write(
        Data("usage: events-load --events N --devices D --batch B --webhook URL --secret-file F\n".utf8))
    exit(64)
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-events-bench-\(UUID().uuidString)").path
defer { try? FileManager.default.removeItem(atPath: directory) }
let store = try EventStore(path: directory + "/events.sqlite", sinks: ["webhook"])
let place = EventLocation(longitude: 120.1, latitude: 30.2, grids: [], keyLocations: [])
var policy = ExportPolicy()
policy.batchSize = 1000
let exporter = Exporter(sinkName: "webhook", store: store, policy: policy) {
    try WebhookSink(url: url, secret: secret, source: "/skygate/bench")
}

let start = Date()
var open = Set<Int>()
var written = 0
while written < total {
    let count = min(batch, total - written)
    let entries = (0..<count).map { offset -> EventStore.Entry in
        let device = (written + offset) % devices
        let phase: DetectorTransition.Phase = open.contains(device) ? .cleared : .raised
        if phase == .raised { open.insert(device) } else { open.remove(device) }
        let now = Date()
        return EventStore.Entry(
            DetectorTransition(
                device: String(format: "3301990000132%07d", device), kind: .blur, phase: phase, at: now, since: now,
                evidence: ["sharpness": 1.5]),
            location: place)
    }
    _ = try store.record(entries)
    written += count
    exporter.wake()
}
let stored = Date().timeIntervalSince(start)
while (try store.counts(sink: "webhook")["delivered"] ?? 0) < total {
    Thread.sleep(forTimeInterval: 0.01)
}
let delivered = Date().timeIntervalSince(start)
exporter.stop()
print(
    #"{"events": \#(total), "devices": \#(devices), "batch": \#(batch), "stored_per_s": \#(Int(Double(total) / stored)), "#
        + #""delivered_per_s": \#(Int(Double(total) / delivered)), "seconds": \#(String(format: "%.2f", delivered))}"#)
