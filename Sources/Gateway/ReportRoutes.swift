import Access
import Archive
import CameraRegistry
import Events
import Foundation
import HTTPTypes
import Hummingbird

/// The formats of `/api/reports/assessment`.
enum AssessmentFormat: String, CaseIterable { case json, csv, html }

extension GatewayServices {
    /// Reports over the recorded history: availability, and the assessment report (考核).
    func addReportRoutes(to api: RouterGroup<GatewayContext>) {
        let (registry, archive, store) = (self.registry, self.archive, self.events)
        api.on("reports/availability", .get, role: .viewer) { request, _ in
            let (from, to) = try Self.range(request, defaultHours: 24, maximumDays: 366)
            let by: AvailabilityReport.Grouping = try request.choice("by") ?? .camera
            let daily = try request.flag("daily") ?? false
            guard !daily || to.timeIntervalSince(from) <= 366 * 86_400 else {
                throw HTTPError(.badRequest, message: "a daily report covers at most 366 days")
            }
            let grid = request.query("grid")
            return try await blockingJSON {
                try AvailabilityReport(registry: registry, health: HealthLog(store: archive), events: store).rows(
                    from: from, to: to, by: by, daily: daily, grid: grid)
            }
        }
        api.on("reports/assessment", .get, role: .viewer) { request, _ in
            let timeZone = try Self.timeZone(request)
            let (from, to) = try Self.reportPeriod(request, timeZone: timeZone)
            let format: AssessmentFormat = try request.choice("format") ?? .json
            let grid = request.query("grid")
            let made = { @Sendable in
                try AssessmentReport(registry: registry, archive: archive, events: store).make(
                    from: from, to: to, grid: grid, timeZone: timeZone)
            }
            switch format {
            case .json: return try await blockingJSON(made)
            case .csv:
                let text = try await blocking { try made().csv }
                return Self.document(text, type: "text/csv; charset=utf-8", name: "assessment.csv")
            case .html:
                let text = try await blocking {
                    AssessmentDocument.html(
                        try made(), areas: Dictionary(uniqueKeysWithValues: try registry.grids().map { ($0.id, $0.area) }),
                        timeZone: timeZone)
                }
                return Self.document(text, type: "text/html; charset=utf-8", name: nil)
            }
        }
    }

    /// A report's text; CSV as a download, the HTML page with a policy that lets its inline styles apply and nothing
    /// run or load.
    static func document(_ text: String, type: String, name: String?) -> Response {
        var headers: HTTPFields = [.contentType: type, .cacheControl: "no-store"]
        if let name { headers[.contentDisposition] = "attachment; filename=\"\(name)\"" }
        if name == nil {
            headers[.contentSecurityPolicy] =
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `timeZone`, an IANA name (default: the gateway's).
    static func timeZone(_ request: Request) throws -> TimeZone {
        guard let name = request.query("timeZone") else { return .current }
        guard let zone = TimeZone(identifier: name) else { throw HTTPError(.badRequest, message: "no time zone '\(name)'") }
        return zone
    }

    /// `day` (yyyy-MM-dd), `month` (yyyy-MM), or `from` and `to` (at most 366 days; the last 24 hours by default).
    static func reportPeriod(_ request: Request, timeZone: TimeZone) throws -> (Date, Date) {
        // Present but empty is an error, as for the other typed parameters: "?month=" must not mean "the last day".
        let (day, month) = (request.uri.queryParameters.get("day"), request.uri.queryParameters.get("month"))
        let ranged = request.uri.queryParameters.get("from") != nil || request.uri.queryParameters.get("to") != nil
        guard [day, month].compactMap({ $0 }).count + (ranged ? 1 : 0) <= 1 else {
            throw HTTPError(.badRequest, message: "give one of 'day', 'month', or 'from' and 'to'")
        }
        if let day {
            guard let period = ReportPeriod.day(day, timeZone: timeZone) else {
                throw HTTPError(.badRequest, message: "'day' '\(day)': expected yyyy-mm-dd")
            }
            return period
        }
        if let month {
            guard let period = ReportPeriod.month(month, timeZone: timeZone) else {
                throw HTTPError(.badRequest, message: "'month' '\(month)': expected yyyy-mm")
            }
            return period
        }
        return try range(request, defaultHours: 24, maximumDays: 366)
    }
}
