import Foundation
import TestSupport
import Testing

@Suite("Token and audit commands")
struct AccessCommandTests {
    @Test("token create prints the token once; list, revoke and audit never show it; every change is audited")
    func tokens() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-cli-access-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = ["--data-dir", directory]
        let created = try SkygateBinary.run(["token", "create", "--name", "ops desk", "--role", "operator"] + data)
        #expect(created.status == 0)
        let token = created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("sgt_") && !created.standardError.contains(token))
        let list = try SkygateBinary.run(["token", "list", "--json"] + data)
        let tokens = try #require(try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]])
        let id = try #require(tokens.first?["id"] as? String)
        #expect(tokens.first?["role"] as? String == "operator")
        let revoked = try SkygateBinary.run(["token", "revoke", id] + data)
        #expect(revoked.status == 0)
        #expect(try SkygateBinary.run(["token", "revoke", id] + data).status == 66)
        #expect(try SkygateBinary.run(["token", "create", "--name", "x", "--role", "root"] + data).status == 64)
        let audit = try SkygateBinary.run(["audit", "list", "--csv"] + data)
        let lines = audit.standardOutput.split(separator: "\n")
        #expect(lines.count == 3 && lines[1].contains("token.create") && lines[2].contains("token.revoke"))
        #expect(lines.dropFirst().allSatisfy { $0.contains(",cli:") && $0.contains(id) })
        for output in [list.standardOutput, revoked.standardOutput, audit.standardOutput] { #expect(!output.contains(token)) }
    }
}
