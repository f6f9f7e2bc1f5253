import Dispatch
public import Events
import Foundation
import Logging
import MediaIO
import Synchronization

/// How exporters retry.
public struct ExportPolicy: Sendable {
    /// Attempts after which a message is dead-lettered (left for an operator, with an alarm).
    public var maximumAttempts = 20
    /// Waits between attempts of a message double from `retryBase` up to `retryCap` seconds (with jitter).
    public var retryBase: Double = 1
    public var retryCap: Double = 300
    /// Waits while a whole sink is unavailable, doubling up to this.
    public var outageCap: Double = 15
    /// Messages read from the outbox per round.
    public var batchSize = 500

    public init() {}
}

/// Delivers the outbox of one sink on its own thread: reads what is due, hands it to the sink, and records each
/// result (delivered, retry later, dead letter). At least once: a crash between delivery and marking repeats a
/// message, never loses one.
public final class Exporter: Sendable {
    public let sinkName: String
    private let store: EventStore
    private let policy: ExportPolicy
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopping = Mutex(false)
    private let done = DispatchGroup()
    private let logger: Logger

    /// Starts exporting; `makeSink` runs on the exporter's thread, which then owns the sink.
    public init(
        sinkName: String, store: EventStore, policy: ExportPolicy = ExportPolicy(),
        makeSink: @escaping @Sendable () throws -> any EventSink
    ) {
        self.sinkName = sinkName
        self.store = store
        self.policy = policy
        logger = Logger(label: "skygate.export.\(sinkName)")
        done.enter()
        startThread("export-\(sinkName)") { [self] in
            run(makeSink)
            done.leave()
        }
    }

    /// New messages are waiting.
    public func wake() { wakeUp.signal() }

    /// Stops after the round in progress.
    public func stop() {
        stopping.withLock { $0 = true }
        wakeUp.signal()
        done.wait()
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    private func run(_ makeSink: @Sendable () throws -> any EventSink) {
        var sink: (any EventSink)?
        var outage = 0
        defer { sink?.close() }
        while !isStopping {
            do {
                if sink == nil { sink = try makeSink() }
                let due = try store.due(sink: sinkName, limit: policy.batchSize)
                if due.isEmpty {
                    _ = wakeUp.wait(timeout: .now() + 1)
                    continue
                }
                let results = try sink!.deliver(due)
                try record(results, for: due)
                if outage > 0 { logger.notice("sink reachable again") }
                outage = 0
            } catch let error as SinkUnavailable {
                outage += 1
                if outage == 1 { logger.warning("sink unavailable; retrying", metadata: ["error": "\(error)"]) }
                // Reconnect from scratch next round: a lost connection does not come back by itself.
                sink?.close()
                sink = nil
                let wait = min(policy.outageCap, pow(2, Double(min(outage, 16)) - 1)) * Double.random(in: 0.5...1)
                _ = wakeUp.wait(timeout: .now() + wait)
                // A woken wait (new events) must not shorten an outage's backoff to nothing.
                while wakeUp.wait(timeout: .now()) == .success {}
            } catch {
                // The sink could not even be set up (a bad URL, a schema it cannot create), or the outbox cannot be
                // read: keep trying, slowly, and say why.
                outage += 1
                logger.error("export failing", metadata: ["error": "\(error)"])
                sink?.close()
                sink = nil
                _ = wakeUp.wait(timeout: .now() + min(policy.outageCap, Double(outage)))
            }
        }
    }

    private func record(_ results: [DeliveryResult], for messages: [OutboxMessage]) throws {
        var delivered: [Int64] = []
        for (message, result) in zip(messages, results) {
            switch result {
            case .delivered:
                delivered.append(message.sequence)
            case .failed(let reason):
                let wait = min(policy.retryCap, policy.retryBase * pow(2, Double(message.attempts))) * Double.random(in: 0.5...1)
                let dead = try store.failed(
                    sink: sinkName, sequence: message.sequence, error: reason, retryAfter: wait,
                    maximumAttempts: policy.maximumAttempts)
                if dead {
                    logger.error(
                        "message dead-lettered: it failed \(policy.maximumAttempts) times; see `skygate events outbox`",
                        metadata: ["event": "\(message.eventID)", "device": "\(message.device)", "error": "\(reason)"])
                }
            case .notTried:
                break
            }
        }
        try store.delivered(sink: sinkName, sequences: delivered)
    }
}
