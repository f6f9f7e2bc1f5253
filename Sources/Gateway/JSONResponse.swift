import Foundation
import HTTPTypes
import Hummingbird
import MediaIO

/// A JSON response in the gateway's dialect (`GatewayJSON`), with its status.
struct JSONResponse<Value: Encodable & Sendable>: ResponseGenerator {
    var value: Value
    var status: HTTPResponse.Status = .ok

    init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try GatewayJSON.encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Produces a value on the blocking pool and encodes it there too: a large answer (10,000 keyframes took 0.3 s to
/// encode in a debug build) must not hold one of Swift's cooperative threads (two here), which serve every request.
func blockingJSON<Value: Encodable>(_ produce: @escaping @Sendable () throws -> Value) async throws -> Response {
    let data = try await blocking { try GatewayJSON.encoder.encode(produce()) }
    return Response(
        status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}

extension Request {
    /// A query parameter, or nil when absent or empty.
    func query(_ name: String) -> String? {
        uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A time query parameter (RFC 3339); 400 when present but not a time.
    func time(_ name: String) throws -> Date? {
        // Present but empty is an error too: "?to=" must not silently mean "now".
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let date = TimeText.parse(text) else {
            throw HTTPError(
                .badRequest, message: "'\(name)' must be an RFC 3339 time such as 2026-11-22T08:00:00Z, not '\(text)'")
        }
        return date
    }

    /// An integer query parameter within `range`; 400 otherwise.
    func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        // Present but empty is an error, as for times: "?limit=" is not a number (schemathesis sends it).
        guard let text = uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw HTTPError(.badRequest, message: "'\(name)' must be an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return number
    }

    /// A number query parameter within `range`; 400 otherwise.
    func number(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let number = Double(text), range.contains(number) else {
            throw HTTPError(.badRequest, message: "'\(name)' must be a number in \(range.lowerBound)…\(range.upperBound)")
        }
        return number
    }

    /// One of an enumeration's values; 400 otherwise, naming them. Present but empty is an error, as for the other
    /// typed parameters: "?state=" must not silently mean "any state" (schemathesis sends it).
    func choice<Value: RawRepresentable & CaseIterable>(_ name: String) throws -> Value? where Value.RawValue == String {
        try uri.queryParameters.get(name).map { try Self.value($0, of: name) }
    }

    /// Every value of a parameter that may be repeated or comma-separated (`?kind=a,b&kind=c`), each one of an
    /// enumeration's values; 400 for any other, naming them.
    func choices<Value: RawRepresentable & CaseIterable>(_ name: String) throws -> [Value] where Value.RawValue == String {
        // Empty items are kept, and refused: "?mode=" must not silently mean "any mode", nor "a,,b" pass.
        try uri.queryParameters.getAll(name).flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { try Self.value(String($0), of: name) }
    }

    private static func value<Value: RawRepresentable & CaseIterable>(
        _ text: String, of name: String
    ) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: text) else {
            let values = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw HTTPError(.badRequest, message: "'\(name)' must be one of \(values), not '\(text)'")
        }
        return value
    }

    /// A yes/no query parameter; 400 otherwise.
    func flag(_ name: String) throws -> Bool? {
        // Present but empty is an error, as for times: "?enabled=" must not silently mean "either".
        guard let text = uri.queryParameters.get(name) else { return nil }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw HTTPError(.badRequest, message: "'\(name)' must be true or false")
        }
    }
}
