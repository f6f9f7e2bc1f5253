import Access
import Archive
import CameraRegistry
import Events
import Foundation
import TestSupport
import Testing

/// `skygate serve` and the CLI (`sensor alarm`, `token create`, `camera import`) open the same stores at once, and the
/// first of them to open a new or older store migrates it. Two processes that both saw a migration unapplied both ran
/// it, and the second failed ("duplicate column name"): CI caught it when `sensor alarm` raced the first `serve`.
/// Separate pools in one process take separate locks, exactly as separate processes do.
@Suite("A data directory shared by processes: stores opened at once, one service")
struct StoreOpeningTests {
    /// Opens `open` on `threads` threads at the same moment, `rounds` times on fresh paths; the errors seen.
    static func race(rounds: Int = 12, threads: Int = 6, _ open: @escaping @Sendable (String) throws -> Void) -> [String] {
        let errors = NSLock()
        nonisolated(unsafe) var seen: [String] = []
        for _ in 0..<rounds {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-open-\(UUID().uuidString)")
                .path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let start = DispatchSemaphore(value: 0)
            let group = DispatchGroup()
            for _ in 0..<threads {
                group.enter()
                Thread {
                    start.wait()
                    do { try open(directory) } catch { errors.withLock { seen.append("\(error)") } }
                    group.leave()
                }.start()
            }
            for _ in 0..<threads { start.signal() }
            group.wait()
        }
        return errors.withLock { seen }
    }

    @Test("the event store: every opener succeeds, whoever migrates")
    func eventStore() {
        let errors = Self.race { _ = try EventStore(path: $0 + "/events.sqlite") }
        #expect(errors.isEmpty, "\(errors.first ?? "")")
    }

    @Test("the access store: every opener succeeds, and all sign media capabilities with one key")
    func accessStore() {
        let tokens = NSLock()
        nonisolated(unsafe) var signed: [String: Set<String>] = [:]
        let capability = MediaCapability(
            camera: "33019900001320000001", from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 60),
            expires: Date(timeIntervalSince1970: 120))
        let errors = Self.race { directory in
            let store = try AccessStore(path: directory + "/access.sqlite")
            let token = capability.token(signedWith: store.mediaCapabilityKey)
            tokens.withLock { _ = signed[directory, default: []].insert(token) }
        }
        #expect(errors.isEmpty, "\(errors.first ?? "")")
        #expect(signed.count == 12 && signed.values.allSatisfy { $0.count == 1 }, "one key per store")
    }

    @Test("the index: every opener succeeds, whoever migrates")
    func index() {
        let errors = Self.race { _ = try ArchiveDatabase(path: $0 + "/index.sqlite") }
        #expect(errors.isEmpty, "\(errors.first ?? "")")
    }

    @Test("the registry: every opener succeeds, whoever migrates")
    func registry() {
        let errors = Self.race { _ = try Registry(dataDirectory: $0) { _ in } }
        #expect(errors.isEmpty, "\(errors.first ?? "")")
    }

    @Test("a second `skygate serve` on a data directory is refused with a reason, and the first serves on")
    func secondService() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-two-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try GatewayProcess(dataDirectory: directory)
        let second = try SkygateBinary.run(["serve", "--data-dir", directory, "--http", "127.0.0.1:0"])
        #expect(second.status != 0)
        #expect(second.standardError.contains("already running on \(directory)"), "\(second.standardError)")
        #expect(kill(first.processID, 0) == 0, "the first service still runs")
        #expect(try ProcessRunner.run("/usr/bin/flock", ["-n", directory + "/serve.lock", "true"]).status != 0)
        #expect(first.stop() == 0)
        #expect(try ProcessRunner.run("/usr/bin/flock", ["-n", directory + "/serve.lock", "true"]).status == 0)
    }
}
