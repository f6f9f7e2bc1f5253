import CameraRegistry
import Events
import Foundation

/// Fills a data directory's events.sqlite for tools/bench/api: EVENTS events (raised and cleared) over the cameras of
/// its registry, spread over the last DAYS days, recorded through `EventStore` in group commits as the service does.
///
///     api-seed DATA_DIR EVENTS [DAYS]
let arguments = CommandLine.arguments
guard arguments.count >= 3, let total = Int(arguments[2]), total > 0 else {
    FileHandle.standardError.write(Data("usage: api-seed DATA_DIR EVENTS [DAYS]\n".utf8))
    exit(64)
}
let directory = arguments[1]
let days = arguments.count > 3 ? Double(arguments[3]) ?? 30 : 30
let registry = try Registry(dataDirectory: directory) { _ in }
let cameras = try registry.cameras()
guard !cameras.isEmpty else {
    FileHandle.standardError.write(Data("api-seed: the registry in \(directory) has no cameras\n".utf8))
    exit(65)
}
let store = try EventStore(path: directory + "/events.sqlite", sinks: [])
let kinds: [EventKind] = [.offline, .stalled, .tooDark, .blur, .frozen, .occlusion, .colourCast, .cameraMoved]
let locations = cameras.map(EventLocation.init)
let now = Date()
let span = days * 86_400
var random = SystemRandomNumberGenerator()
let started = Date()
var written = 0
let batch = 2_000
while written < total {
    var entries: [EventStore.Entry] = []
    for index in written..<min(total, written + batch) {
        let camera = index % cameras.count
        let kind = kinds[Int.random(in: 0..<kinds.count, using: &random)]
        // Oldest first, as they would have happened; each lasts 10 s to 10 min.
        let since = now.addingTimeInterval(-span + span * Double(index) / Double(total))
        let end = since.addingTimeInterval(Double.random(in: 10...600, using: &random))
        let id = cameras[camera].camera.id.rawValue
        entries.append(
            EventStore.Entry(
                DetectorTransition(device: id, kind: kind, phase: .raised, at: since, since: since, evidence: ["value": 1]),
                location: locations[camera]))
        entries.append(
            EventStore.Entry(
                DetectorTransition(device: id, kind: kind, phase: .cleared, at: end, since: since, evidence: ["value": 0]),
                location: locations[camera]))
    }
    _ = try store.record(entries)
    written = min(total, written + batch)
    if written % 100_000 == 0 {
        FileHandle.standardError.write(
            Data("api-seed: \(written) events (\(Int(Double(written) / Date().timeIntervalSince(started)))/s)\n".utf8))
    }
}
print("api-seed: \(total) events over \(cameras.count) cameras in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
