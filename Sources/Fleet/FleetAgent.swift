public import Foundation
import Logging
import MediaIO
public import ServiceLifecycle
import Synchronization

/// How a gateway takes part in a fleet (`skygate serve --central`).
public struct FleetMembership: Sendable {
    /// The central store (through the HAProxy in front of Patroni's primary).
    public var centralURL: String
    public var gatewayName: String
    public var failoverGroup: String
    /// Cameras it can record.
    public var capacity: Int
    /// Its API as the hub reaches it.
    public var address: String?
    public var leaseSeconds: Double = 15
    /// Seconds between passes: a maintenance pass, a read of the grids owned.
    public var passInterval: Double = 1
    /// Seconds a grid that moved away (handed back, drained, assigned elsewhere) is still recorded here, so its new
    /// owner has started before this one stops: duplicate footage is acceptable, a gap is not. A grid lost because
    /// this gateway's own lease expired is dropped at once.
    public var handOverSeconds: Double = 10
    /// Where the last grids owned are kept, so a restart while the centre is away records them again.
    public var shareFile: String

    public init(
        centralURL: String, gatewayName: String, failoverGroup: String, capacity: Int, address: String?, shareFile: String
    ) {
        self.centralURL = centralURL
        self.gatewayName = gatewayName
        self.failoverGroup = failoverGroup
        self.capacity = capacity
        self.address = address
        self.shareFile = shareFile
    }
}

/// A gateway's part in the fleet, on a thread of its own with its own connection (a heartbeat must never wait behind
/// heavy work): registers, renews its lease every third of it, runs a maintenance pass and reads the grids it owns
/// every `passInterval`, and hands them to `onShare` when they change. Cut off from the centre it keeps its last share
/// (recording goes on; duplicate footage is acceptable, a gap is not) and reconnects; told that its lease expired (its
/// grids moved while it was stopped or cut off), it gives up every grid at once and registers again.
public final class FleetAgent: Service, Sendable {
    public let membership: FleetMembership
    private let onShare = Mutex<@Sendable (Set<String>) -> Void>({ _ in })
    /// The epoch of each grid held, as last read.
    private let heldEpochs = Mutex<[String: Int64]>([:])
    private let logger = Logger(label: "skygate.fleet")
    private let stopping = Mutex(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// The last failure to reach or use the centre, while it lasts (logged once, not every pass).
    private let problem = Mutex<String?>(nil)

    public init(membership: FleetMembership) {
        self.membership = membership
    }

    /// Where the grids to record go (ingest's share), from the next pass on; before it runs.
    public func handShare(to body: @escaping @Sendable (Set<String>) -> Void) {
        onShare.withLock { $0 = body }
    }

    /// The epoch of each grid this gateway holds, as its last pass read them (what the central event sink records).
    public var epochs: [String: Int64] { heldEpochs.withLock { $0 } }

    /// The share kept by the last run (empty when none): what to record until the centre answers.
    public func lastShare() -> Set<String> {
        guard let data = FileManager.default.contents(atPath: membership.shareFile),
            let grids = try? JSONDecoder().decode([String].self, from: data)
        else { return [] }
        return Set(grids)
    }

    public func run() async throws {
        startThread("fleet-agent") { [self] in
            loop()
            finished.signal()
        }
        try? await gracefulShutdown()
        stopping.withLock { $0 = true }
        wake.signal()
        _ = try? await onOwnThread("fleet-stop") { self.finished.wait() }
    }

    /// What the agent's thread carries from one pass to the next.
    private struct Round {
        var store: CentralStore?
        var lastRenewal = DispatchTime(uptimeNanoseconds: 0)
        /// The grids handed to ingest.
        var share: Set<String>
        /// Grids that moved away while the lease held, and until when they are still recorded.
        var releasing: [String: DispatchTime] = [:]
    }

    private func loop() {
        var round = Round(share: lastShare())
        onShare.withLock { $0 }(round.share)
        while !stopping.withLock({ $0 }) {
            do {
                try pass(&round)
                problem.withLock { $0 = nil }
            } catch {
                if problem.withLock({ $0 }) == nil {
                    logger.warning("the central store", metadata: ["error": "\(error)"])
                }
                problem.withLock { $0 = "\(error)" }
                if (error as? FleetError)?.code != .staleEpoch {
                    round.store?.close()
                    round.store = nil
                }
            }
            _ = wake.wait(timeout: .now() + membership.passInterval)
        }
        round.store?.close()
    }

    /// One pass: connect and register if need be, renew when a third of the lease has gone, run the upkeep, and
    /// hand ingest the grids owned (and those still being handed over).
    private func pass(_ round: inout Round) throws {
        let store: CentralStore
        if let current = round.store {
            store = current
        } else {
            store = try CentralStore(url: membership.centralURL, leaseSeconds: membership.leaseSeconds)
            try register(store)
            round.lastRenewal = .now()
            round.store = store
        }
        if Double(DispatchTime.now().uptimeNanoseconds - round.lastRenewal.uptimeNanoseconds) / 1e9
            >= membership.leaseSeconds / 3
        {
            if try !store.renew(name: membership.gatewayName) {
                logger.warning("the lease had expired and the grids moved: recording none until assigned again")
                round.share = []
                round.releasing = [:]
                heldEpochs.withLock { $0 = [:] }
                keep(round.share)
                try register(store)
            }
            round.lastRenewal = .now()
        }
        _ = try store.maintain()
        let assignments = try store.assignments(of: membership.gatewayName)
        heldEpochs.withLock { $0 = Dictionary(uniqueKeysWithValues: assignments.map { ($0.grid, $0.epoch) }) }
        let owned = Set(assignments.map(\.grid))
        let now = DispatchTime.now()
        for grid in round.share.subtracting(owned) where round.releasing[grid] == nil {
            round.releasing[grid] = now + .nanoseconds(Int(membership.handOverSeconds * 1e9))
        }
        round.releasing = round.releasing.filter { !owned.contains($0.key) && $0.value > now }
        let recorded = owned.union(round.releasing.keys)
        if recorded != round.share {
            logger.info(
                "grids recorded", metadata: ["owned": "\(owned.sorted())", "handing over": "\(round.releasing.keys.sorted())"])
            round.share = recorded
            keep(round.share)
        }
    }

    private func register(_ store: CentralStore) throws {
        try store.register(
            name: membership.gatewayName, failoverGroup: membership.failoverGroup, capacity: membership.capacity,
            address: membership.address)
    }

    /// Hands `share` to the gateway and keeps it on disk (`.atomic`: written aside and renamed, never half a file).
    private func keep(_ share: Set<String>) {
        onShare.withLock { $0 }(share)
        do {
            try JSONEncoder().encode(share.sorted()).write(to: URL(fileURLWithPath: membership.shareFile), options: .atomic)
        } catch {
            logger.warning("cannot keep the grids owned", metadata: ["error": "\(error)"])
        }
    }
}
