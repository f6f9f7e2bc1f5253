import Access
import Foundation
import Testing

@Suite("Access store")
struct AccessStoreTests {
    static func store() throws -> (AccessStore, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-access-\(UUID().uuidString)").path
        return (try AccessStore(path: directory + "/access.sqlite"), directory)
    }

    @Test("a token is shown once, stored only as its hash, authenticates until revoked; every change is audited")
    func tokens() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try !store.hasAdmin())
        let (token, record) = try store.createToken(name: "ops desk", role: .admin, actor: "cli:root", source: "cli")
        #expect(token.hasPrefix("sgt_") && token.count >= 40)
        #expect(try store.hasAdmin())
        #expect(try store.authenticate(token).map { [$0.id, $0.name, $0.role.rawValue] } == [record.id, "ops desk", "admin"])
        #expect(try store.authenticate(token + "x") == nil)
        // The file holds no token, only hashes.
        let bytes =
            try Data(contentsOf: URL(fileURLWithPath: directory + "/access.sqlite"))
            + ((try? Data(contentsOf: URL(fileURLWithPath: directory + "/access.sqlite-wal"))) ?? Data())
        #expect(bytes.range(of: Data(token.utf8)) == nil)
        #expect(try store.revoke(id: record.id, actor: "cli:root", source: "cli"))
        #expect(try !store.revoke(id: record.id, actor: "cli:root", source: "cli"), "revoking twice does nothing")
        #expect(try store.authenticate(token) == nil)
        #expect(try store.tokens().first?.revokedAt != nil)
        #expect(try store.auditTrail().map(\.action) == ["token.create", "token.revoke"])
        #expect(try store.auditTrail(action: "token").count == 2 && store.auditTrail(action: "tok").isEmpty)
        #expect(throws: AccessError.self) { try store.createToken(name: "", role: .viewer, actor: "cli", source: "cli") }
    }

    @Test("the audit trail cannot be rewritten through SQLite")
    func appendOnly() throws {
        let (store, directory) = try Self.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try store.audit(actor: "viewer#1", action: "clip.download", target: "33019900001320000001", source: "10.0.0.7")
        let path = directory + "/access.sqlite"
        for sql in ["UPDATE audit SET actor = 'nobody'", "DELETE FROM audit"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [
                "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()", path, sql,
            ]
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus != 0, "\(sql) must be refused")
        }
        #expect(try store.auditTrail().map(\.actor) == ["viewer#1"])
    }
}
