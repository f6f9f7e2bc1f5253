import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 17, item 4, over HTTP: `/api/reports/assessment` in its three formats, and its refusals. (The figures
/// themselves are checked against a scripted week in skygateTests' `AssessmentReportTests`.)
@Suite("Assessment report route")
struct AssessmentRouteTests {
    @Test("JSON by default, CSV with a byte-order mark as a download, HTML under a policy that lets nothing run")
    func formats() async throws {
        let fixture = try GatewayFixture()
        try await fixture.application.test(.router) { client in
            let json = try await client.execute(
                uri: "/api/reports/assessment?month=2026-01&timeZone=Asia/Shanghai", method: .get,
                headers: fixture.headers(.viewer))
            #expect(json.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any]
            #expect(object?["from"] as? String == "2025-12-31T16:00:00.000Z", "a Shanghai month starts at 16:00 UTC")
            #expect((object?["total"] as? [String: Any])?["cameras"] as? Int ?? 0 > 0)

            let csv = try await client.execute(
                uri: "/api/reports/assessment?format=csv", method: .get, headers: fixture.headers(.viewer))
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.headers[.contentDisposition]?.contains("assessment.csv") == true)
            #expect(Array(csv.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])

            let html = try await client.execute(
                uri: "/api/reports/assessment?format=html", method: .get, headers: fixture.headers(.viewer))
            #expect(html.status == .ok && html.headers[.contentType]?.hasPrefix("text/html") == true)
            let policy = html.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("default-src 'none'") && !policy.contains("script"), "\(policy)")
            #expect(html.text.contains("<svg id=\"daily-online\"") && !html.text.contains("<script"))
        }
    }

    @Test("a bad day, month, time zone, format or mix of periods is refused with what was wrong")
    func refusals() async throws {
        let fixture = try GatewayFixture()
        try await fixture.application.test(.router) { client in
            let cases = [
                ("day=2026-02-30", "yyyy-mm-dd"), ("month=2026-13", "yyyy-mm"), ("timeZone=Mars/Olympus", "time zone"),
                ("format=pdf", "format"), ("day=2026-01-01&month=2026-01", "one of"), ("month=", "yyyy-mm"),
                ("from=2000-01-01T00:00:00Z", "at most 366 days"),
            ]
            for (query, says) in cases {
                let answer = try await client.execute(
                    uri: "/api/reports/assessment?\(query)", method: .get, headers: fixture.headers(.viewer))
                #expect(answer.status == .badRequest, "\(query): \(answer.status)")
                #expect(answer.text.contains(says), "\(query): \(answer.text)")
            }
        }
    }
}
