public import Access
public import Archive
public import CameraRegistry
public import Events
public import Foundation
import HTTPTypes
public import Ingest

/// What the gateway's routes read and write: the stores of the other modules, each behind its own API.
public struct GatewayServices: Sendable {
    public var registry: Registry
    /// The archive's index (keyframes, coverage, health history) and the status the ingest service publishes.
    public var archive: ArchiveDatabase
    public var events: EventStore
    /// Records sensor alarms; it need not be started for that (tests use one that is not).
    public var engine: EventEngine
    public var access: AccessStore
    /// Live events for Server-Sent Events; the engine's `onRecorded` publishes into it.
    public var feed: EventFeed
    /// Where clips are written before they are sent (`<data-dir>/tmp`).
    public var scratchDirectory: String
    /// Sinks the exporters deliver to, for the export backlog in `/metrics`.
    public var sinks: [String]
    /// How many clips may be exported at once, and the free space they must leave.
    public var clipLimits = ClipLimits()
    /// The time "now" is for the routes that look back from it (the snapshot's last ten minutes). Tests pin it to
    /// their fixture's recording: a test runner starved of its two threads once made a fixture's keyframes ten
    /// minutes old before its first request.
    public var now: @Sendable () -> Date = { Date() }
    /// Asks a GB/T 28181 device again for its catalog and device information; false when it is not online to be
    /// asked. Nil when this process runs no SIP server (`serve` without `--sip`).
    public var refreshGBDevice: (@Sendable (String) -> Bool)?
    let clipSlots = ClipSlots()
    let status: StatusCache

    /// - Parameter ingest: the ingest service of this process, whose status the routes read directly; nil to read
    ///   the status that a service (perhaps another process) publishes to the archive.
    public init(
        registry: Registry, archive: ArchiveDatabase, events: EventStore, engine: EventEngine, access: AccessStore,
        feed: EventFeed, scratchDirectory: String, sinks: [String], ingest: IngestService? = nil
    ) {
        self.registry = registry
        self.archive = archive
        self.events = events
        self.engine = engine
        self.access = access
        self.feed = feed
        self.scratchDirectory = scratchDirectory
        self.sinks = sinks
        status = StatusCache { now in
            if let ingest {
                try ServiceReport.live(ingest, registry: registry)
            } else {
                try ServiceReport.read(registry: registry, archive: archive, now: now)
            }
        }
    }

    /// Appends one row to the audit trail for the request's caller.
    /// The audit trail as one request's caller writes it, synchronously: handed to a registry change, whose transaction
    /// writes the row before it commits (a change that cannot be audited is not made).
    func auditor(_ context: GatewayContext) -> Auditor {
        Auditor(access: access, actor: context.actor, source: context.source)
    }

    func audit(_ context: GatewayContext, _ action: String, _ target: String, detail: String? = nil) async throws {
        let (actor, source) = (context.actor, context.source)
        try await blocking { [access] in
            try access.audit(actor: actor, action: action, target: target, source: source, detail: detail)
        }
    }
}

/// Writes audit rows for one caller (see `GatewayServices.auditor`).
struct Auditor: Sendable {
    let access: AccessStore
    let actor: String
    let source: String

    func record(_ action: String, _ target: String, detail: String? = nil) throws {
        try access.audit(actor: actor, action: action, target: target, source: source, detail: detail)
    }
}
