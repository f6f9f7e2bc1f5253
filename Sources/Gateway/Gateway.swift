import Access
import Events
public import Foundation
import HTTPTypes
public import Hummingbird
import HummingbirdCore
import Ingest
public import Logging
import NIOCore

/// The gateway's HTTP server: the JSON API under `/api`, `/metrics`, `/healthz`, `/readyz`, `/openapi.json`, and
/// the dashboard's files at `/`.
public enum Gateway {
    /// Every route. API routes need a bearer token and check its role; the open ones are the dashboard's files (no
    /// data in them), the OpenAPI document and the health probes.
    public static func router(_ services: GatewayServices) -> Router<GatewayContext> {
        let router = Router(context: GatewayContext.self)
        router.add(middleware: SecurityHeaders())
        router.add(middleware: ErrorMapping())
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ in
            let readiness = try await blocking { services.readiness() }
            return JSONResponse(readiness, status: readiness.ready ? .ok : .serviceUnavailable)
        }
        router.get("openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: openAPIDocument)))
        }
        let authenticated = router.group().add(middleware: BearerAuthentication(access: services.access))
        authenticated.on("metrics", .get, role: .viewer) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: try await blocking { try services.metricsText() })))
        }
        let api = router.group("api").add(middleware: BearerAuthentication(access: services.access))
        api.on("whoami", .get, role: .viewer) { _, context in JSONResponse(context.caller!) }
        services.addRegistryRoutes(to: api)
        services.addRecordingRoutes(to: api)
        services.addEventRoutes(to: api)
        services.addReferenceRoutes(to: api)
        services.addAdminRoutes(to: api)
        services.addReportRoutes(to: api)
        services.addGBDeviceRoutes(to: api)
        services.addPatrolRoutes(to: api)
        services.addPlaybackMintRoute(to: api)
        services.addWallRoutes(api: api, router: router)
        services.addEvidenceRoute(to: api)
        // Before the dashboard's files: a segment under /play is served only once the routes and the dashboard have
        // no such path.
        services.addPlaybackRoutes(to: router)
        if let folder = dashboardFolder {
            router.add(middleware: FileMiddleware(folder, searchForIndexHtml: true))
        }
        return router
    }

    /// The server on `host:port`, with at most `maximumConnections` open at once and each closed after `idleTimeout`
    /// seconds without a complete request part; run it in a `ServiceGroup` (it stops accepting and finishes its
    /// requests on graceful shutdown).
    public static func application(
        _ services: GatewayServices, host: String, port: Int, maximumConnections: Int = 4096, idleTimeout: Double = 10,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(services),
            server: .http1(
                configuration: HTTP1Channel.Configuration(
                    idleTimeout: .milliseconds(Int64(idleTimeout * 1000)))),
            configuration: ApplicationConfiguration(
                // A deeper accept queue than the default 256: a burst of clients (a wall of dashboards reloading)
                // waits to be accepted instead of retrying its SYN after 1, 3, 7 s.
                address: .hostname(host, port: port), serverName: "skygate", backlog: 1024,
                availableConnectionsDelegate: .maximum(maximumConnections, logger: logger)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// The OpenAPI 3.1 document committed beside the code (`Sources/Gateway/openapi.json`).
    public static let openAPIDocument: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url)
        else { return Data("{}".utf8) }
        return data
    }()

    /// The dashboard's files, shipped as the module's resources.
    static let dashboardFolder: String? = Bundle.module.resourceURL?.appendingPathComponent("Public").path
}

/// Readiness: the stores answer and the ingest service publishes its status.
struct Readiness: Codable, Sendable {
    var ready: Bool
    var checks: [String: String]
}

extension GatewayServices {
    func readiness() -> Readiness {
        var checks: [String: String] = [:]
        do {
            let report = try status.report()
            checks["registry"] = "ok"
            checks["archive"] = "ok"
            checks["ingest"] = report.service.rawValue
        } catch {
            // An unauthenticated probe gets no internal error text (paths, SQLite messages); the log has it.
            Logger(label: "skygate.gateway").warning("not ready", metadata: ["error": "\(error)"])
            checks["registry"] = "unavailable"
        }
        checks["events"] = (try? events.sinks()).map { _ in "ok" } ?? "unavailable"
        checks["access"] = (try? access.hasAdmin()).map { _ in "ok" } ?? "unavailable"
        let ready = checks.values.allSatisfy { $0 == "ok" || $0 == "running" }
        return Readiness(ready: ready, checks: checks)
    }
}

/// Headers every response carries: the dashboard loads nothing from elsewhere and cannot be framed.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = GatewayContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Error responses carry the same headers as the others.
            response = try error.response(from: request, context: context)
        }
        // A response that sets its own policy keeps it (the assessment report's page: inline styles, nothing else).
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] =
                "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; frame-ancestors 'none'"
        }
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }
}
