import Archive
import CameraRegistry
import Foundation
import Synchronization

/// The service report, read at most once a second: ingest publishes its status once a second, so a fresher read
/// could not show anything newer, and with 1,000 cameras each read decodes 1,000 statuses and encodes them again.
final class StatusCache: Sendable {
    struct Entry: Sendable {
        var at: Date
        var report: ServiceReport
        /// `report` encoded for `/api/status`.
        var json: Data
    }

    private let registry: Registry
    private let archive: KeyframeIndexStore
    private let cached = Mutex<Entry?>(nil)
    private let lifetime: TimeInterval

    init(registry: Registry, archive: KeyframeIndexStore, lifetime: TimeInterval = 1) {
        self.registry = registry
        self.archive = archive
        self.lifetime = lifetime
    }

    /// The report, without the picture thumbnails (the detectors' own aid, 64 numbers a camera). Called on blocking
    /// threads only: a refresh holds the lock, so concurrent callers wait for one read instead of each making one.
    func entry() throws -> Entry {
        try cached.withLock { cached in
            // The time is read once the lock is held: a caller that waited for another's refresh must find it fresh.
            let now = Date()
            if let entry = cached, now.timeIntervalSince(entry.at) < lifetime { return entry }
            var report = try ServiceReport.read(registry: registry, archive: archive, now: now)
            for index in report.cameras.indices { report.cameras[index].lastStats?.thumbnail = [] }
            let entry = Entry(at: now, report: report, json: try GatewayJSON.encoder.encode(report))
            cached = entry
            return entry
        }
    }

    func report() throws -> ServiceReport { try entry().report }
}
