import EventExport
import Foundation
import TestSupport
import Testing

/// Issue 13, item 10: the PostgreSQL sink connected without TLS whatever the URL's `sslmode` said.
@Suite("PostgreSQL sink TLS")
struct PostgresTLSTests {
    @Test("sslmode is honoured: require refuses a server without TLS; disable and the default prefer connect")
    func sslmodeIsHonoured() throws {
        let postgres = try PostgresServer()
        // tools/postgres-local's server has no certificate: it answers the TLS request with "no".
        for mode in ["require", "verify-full"] {
            do {
                // A sink must be closed before it goes (PostgresNIO asserts it).
                try PostgresSink(url: postgres.url + "?sslmode=\(mode)").close()
                Issue.record("sslmode=\(mode) connected to a server without TLS")
            } catch {
                #expect("\(error)".contains("sslUnsupported"), "\(error)")
            }
        }
        try PostgresSink(url: postgres.url + "?sslmode=disable").close()
        try PostgresSink(url: postgres.url).close()
        #expect(throws: (any Error).self) { try PostgresSink(url: postgres.url + "?sslmode=sometimes") }
    }
}
