import FileLocking
import Foundation
import TestSupport
import Testing

/// util-linux's `flock(1)` is the independent party: another process taking the same kind of lock on the same file.
@Suite("File locks against util-linux's flock(1)")
struct FileLockTests {
    static func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("skygate-lock-\(UUID().uuidString)").path
    }

    /// Whether `flock -n` in another process gets the lock at `path` right now.
    static func freeForOthers(_ path: String) throws -> Bool {
        try ProcessRunner.run("/usr/bin/flock", ["-n", path, "true"]).status == 0
    }

    @Test("held, another process cannot take it; released (or dropped with its owner), it can")
    func heldAndReleased() throws {
        let path = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lock: FileLock? = try FileLock(path: path)
        #expect(try !Self.freeForOthers(path))
        withExtendedLifetime(lock) {}
        lock = nil
        #expect(try Self.freeForOthers(path))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("held by another process: without waiting it says so; waiting, it gets the lock when the other lets go")
    func heldByAnotherProcess() throws {
        let path = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [path, "sleep", "1.5"]
        try holder.run()
        defer { holder.terminate() }
        let deadline = Date().addingTimeInterval(10)
        while try Self.freeForOthers(path), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }

        do {
            _ = try FileLock(path: path, wait: false)
            Issue.record("locked a file another process holds")
        } catch {
            #expect(error.isHeld, "\(error)")
        }
        let started = Date()
        let lock = try FileLock(path: path)
        let waited = Date().timeIntervalSince(started)
        #expect(waited > 0.5 && waited < 10, "waited \(waited) s for a holder of 1.5 s")
        #expect(try !Self.freeForOthers(path))
        withExtendedLifetime(lock) {}
    }

    @Test("a path that cannot be created is an error that names it, not a hang")
    func unusablePath() {
        do {
            _ = try FileLock(path: "/nonexistent-directory/serve.lock")
            Issue.record("locked a file in a directory that does not exist")
        } catch {
            #expect(!error.isHeld && error.description.contains("/nonexistent-directory/serve.lock"))
        }
    }
}
