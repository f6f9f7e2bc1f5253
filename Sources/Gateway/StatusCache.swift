import Archive
import CameraRegistry
import Foundation
import Ingest
import MediaIO
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

    private let read: @Sendable (Date) throws -> ServiceReport
    private let cached = Mutex<Entry?>(nil)
    private let lifetime: TimeInterval

    /// - Parameter read: makes a fresh report (from ingest in this process, or from the status it published).
    init(lifetime: TimeInterval = 1, read: @escaping @Sendable (Date) throws -> ServiceReport) {
        self.read = read
        self.lifetime = lifetime
    }

    /// The report, without the picture thumbnails (the detectors' own aid, 64 numbers a camera). Called on blocking
    /// threads only: a refresh holds the lock, so concurrent callers wait for one read instead of each making one.
    func entry() throws -> Entry {
        try cached.withLock { cached in
            // The time is read once the lock is held: a caller that waited for another's refresh must find it fresh.
            let now = Date()
            if let entry = cached, now.timeIntervalSince(entry.at) < lifetime { return entry }
            var report = try read(now)
            for index in report.cameras.indices { report.cameras[index].lastStats?.thumbnail = [] }
            let entry = Entry(at: now, report: report, json: try GatewayJSON.encoder.encode(report))
            cached = entry
            return entry
        }
    }

    func report() throws -> ServiceReport { try entry().report }
}
