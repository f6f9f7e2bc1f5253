import Access
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route of the API with the least role it needs; the OpenAPI document must list exactly these.
let protectedRoutes: [(method: HTTPRequest.Method, path: String, role: Role, body: String?)] = {
    let camera = GatewayFixture.camera
    let sensor = GatewayFixture.sensor
    let viewer: [String] = [
        "/metrics", "/api/whoami", "/api/cameras", "/api/cameras/\(camera)", "/api/cameras/\(camera)/status",
        "/api/cameras/\(camera)/health", "/api/cameras/\(camera)/coverage", "/api/cameras/\(camera)/stats", "/api/grids",
        "/api/grids/YX", "/api/locations", "/api/map/grids", "/api/map/locations", "/api/sensors", "/api/sensors/\(sensor)",
        "/api/status", "/api/events", "/api/events/no-such-event", "/api/events/reviews", "/api/reports/availability",
        "/api/reports/assessment",
        "/api/gb/devices",
        "/api/patrol", "/api/patrol/latest", "/api/patrol/rounds", "/api/cameras/\(camera)/visits",
        "/api/gb/devices/34020000001320000099", "/api/cameras/\(camera)/reference",
    ]
    var routes = viewer.map { (HTTPRequest.Method.get, $0, Role.viewer, String?.none) }
    routes += [
        (.get, "/api/cameras/\(camera)/keyframes", .operator, nil),
        (.get, "/api/cameras/\(camera)/seek?at=2026-01-01T00:00:00Z", .operator, nil),
        (.get, "/api/cameras/\(camera)/snapshot", .operator, nil),
        (.get, "/api/cameras/\(camera)/clip?from=2026-01-01T00:00:00Z", .operator, nil),
        (.post, "/api/events/no-such-event/acknowledge", .operator, nil),
        (.post, "/api/events/no-such-event/review", .operator, #"{"verdict":"false"}"#),
        (.post, "/api/sensors/no-such-sensor/alarms", .operator, #"{"alarm":"smoke"}"#),
        (.put, "/api/cameras/no-such-camera/reference", .operator, #"{"at":"2026-01-01T00:00:00Z"}"#),
        (.delete, "/api/cameras/no-such-camera/reference", .operator, nil),
        (.post, "/api/cameras", .admin, "{}"),
        (.patch, "/api/cameras/no-such-camera", .admin, "{}"),
        (.delete, "/api/cameras/no-such-camera", .admin, nil),
        (.put, "/api/grids", .admin, "{}"),
        (.put, "/api/grids/YX/mode", .admin, "{}"),
        (.put, "/api/locations", .admin, "{}"),
        (.put, "/api/sensors/no-such-sensor", .admin, "{}"),
        (.delete, "/api/sensors/no-such-sensor", .admin, nil),
        (.put, "/api/gb/devices/34020000001320000099", .admin, "{}"),
        (.delete, "/api/gb/devices/34020000001320000099", .admin, nil),
        (.post, "/api/gb/devices/34020000001320000099/refresh", .operator, nil),
        (.post, "/api/cameras/\(camera)/playback", .operator, nil),
        (.post, "/api/wall", .operator, nil),
        (.post, "/api/patrol/run-now", .operator, nil),
        (.post, "/api/evidence", .operator, nil),
        (.get, "/api/tokens", .admin, nil),
        (.post, "/api/tokens", .admin, "{}"),
        (.delete, "/api/tokens/no-such-token", .admin, nil),
        (.get, "/api/audit", .admin, nil),
    ]
    return routes
}()

/// Routes that need no token: health probes, the spec, and the dashboard's files (which hold no data).
let openRoutes = ["/healthz", "/readyz", "/openapi.json"]

/// Routes whose permission is a media capability in the path (a `<video>` element sends no bearer header): 403
/// without a valid one, whatever token comes with it.
let capabilityRoutes = [
    "/play/{capability}/index.m3u8", "/play/{capability}/live.m3u8", "/play/{capability}/thumbnail.jpg",
    "/play/{capability}/{segment}", "/play/{capability}/{gop}/{segment}",
]

@Suite("Gateway routes and roles")
struct RouteRoleTests {
    @Test("every route refuses a missing, a wrong and a revoked token with 401, and a lower role with 403")
    func roleMatrix() async throws {
        let fixture = try GatewayFixture()
        let revoked = try fixture.services.access.createToken(name: "revoked", role: .admin, actor: "test", source: "test")
        _ = try fixture.services.access.revoke(id: revoked.record.id, actor: "test", source: "test")
        try await fixture.application.test(.router) { client in
            for route in protectedRoutes {
                let body = route.body.map { ByteBuffer(string: $0) }
                for headers: HTTPFields in [
                    [:], [.authorization: "Bearer sgt_not-a-token"], [.authorization: "Bearer \(revoked.token)"],
                    [.authorization: "Basic YWRtaW46YWRtaW4="],
                ] {
                    let response = try await client.execute(uri: route.path, method: route.method, headers: headers, body: body)
                    #expect(response.status == .unauthorized, "\(route.method) \(route.path) with \(headers)")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"skygate\"")
                }
                for role in Role.allCases {
                    let response = try await client.execute(
                        uri: route.path, method: route.method, headers: fixture.headers(role), body: body)
                    if role >= route.role {
                        #expect(
                            ![.unauthorized, .forbidden, .internalServerError].contains(response.status),
                            "\(route.method) \(route.path) as \(role): \(response.status) \(response.text)")
                    } else {
                        #expect(response.status == .forbidden, "\(route.method) \(route.path) as \(role): \(response.status)")
                    }
                }
            }
            for path in openRoutes {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status != .unauthorized, "\(path)")
            }
            for path in capabilityRoutes {
                let uri = path.replacingOccurrences(of: "{capability}", with: "bm90LWEtY2FwYWJpbGl0eQ.AAAA")
                    .replacingOccurrences(of: "{segment}", with: "0001.ts").replacingOccurrences(of: "{gop}", with: "0-188")
                for headers: HTTPFields in [[:], fixture.headers(.admin)] {
                    let response = try await client.execute(uri: uri, method: .get, headers: headers)
                    #expect(response.status == .forbidden, "\(uri): \(response.status)")
                }
            }
        }
    }

    @Test("the OpenAPI document lists exactly the server's routes")
    func specMatchesRoutes() throws {
        let spec = try JSONSerialization.jsonObject(with: Gateway.openAPIDocument) as! [String: Any]
        #expect(spec["openapi"] as? String == "3.1.0")
        let paths = spec["paths"] as! [String: [String: Any]]
        var documented = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        var served = Set((openRoutes + capabilityRoutes).map { "GET \($0)" })
        served.insert("GET /api/events/stream")
        for route in protectedRoutes {
            let path = String(route.path.split(separator: "?")[0])
                .replacingOccurrences(of: GatewayFixture.camera, with: "{id}")
                .replacingOccurrences(of: GatewayFixture.sensor, with: "{id}")
                .replacingOccurrences(of: "no-such-camera", with: "{id}").replacingOccurrences(of: "no-such-sensor", with: "{id}")
                .replacingOccurrences(of: "no-such-event", with: "{id}").replacingOccurrences(of: "no-such-token", with: "{id}")
                .replacingOccurrences(of: "/api/grids/YX", with: "/api/grids/{id}")
                .replacingOccurrences(of: "34020000001320000099", with: "{id}")
            served.insert("\(route.method.rawValue) \(path)")
        }
        #expect(documented.subtracting(served).sorted() == [], "documented, not tested")
        #expect(served.subtracting(documented).sorted() == [], "served, not documented")
    }

    @Test("the dashboard's page is served without a token and holds no data")
    func dashboardIsOpen() async throws {
        let fixture = try GatewayFixture()
        try await fixture.application.test(.router) { client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(!page.text.contains(GatewayFixture.camera))
        }
    }
}
