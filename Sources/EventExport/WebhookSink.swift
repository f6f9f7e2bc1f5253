import AsyncHTTPClient
public import Events
import Foundation
import MediaIO
import NIOCore
import NIOHTTP1
import Redaction
import Synchronization

/// Posts each message to a URL as a CloudEvent in structured mode, signed per Standard Webhooks. Devices are sent
/// side by side; one device's messages one after the other, stopping at its first failure. A 2xx answer delivers;
/// any other answer fails the message (retried later); no answer at all makes the sink unavailable.
public final class WebhookSink: EventSink {
    public let name = "webhook"
    private let url: String
    private let signature: WebhookSignature
    private let source: String
    private let client: HTTPClient
    private let timeout: TimeAmount

    public init(url: String, secret: String, source: String, timeout: Double = 10) throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
            parsed.host != nil
        else {
            throw EventsError(.invalidConfiguration, "the webhook URL '\(url)' is not an http:// or https:// URL")
        }
        self.url = url
        self.signature = try WebhookSignature(secret: secret)
        self.source = source
        self.timeout = .milliseconds(Int64(timeout * 1000))
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: self.timeout)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func deliver(_ messages: [OutboxMessage]) throws -> [DeliveryResult] {
        let results = Mutex([DeliveryResult](repeating: .notTried, count: messages.count))
        let unreachable = Mutex<String?>(nil)
        var byDevice: [String: [Int]] = [:]
        for (index, message) in messages.enumerated() { byDevice[message.device, default: []].append(index) }
        // Requests are made here, on the exporter's thread; the event loop only sends them.
        var requests: [HTTPClient.Request?] = []
        for (index, message) in messages.enumerated() {
            do {
                requests.append(try request(for: message))
            } catch {
                requests.append(nil)
                results.withLock { $0[index] = .failed("cannot encode: \(error)") }
            }
        }
        let loop = client.eventLoopGroup.any()
        let client = self.client
        let timeout = self.timeout
        var chains: [EventLoopFuture<Void>] = []
        for indices in byDevice.values {
            var chain = loop.makeSucceededVoidFuture()
            for (position, index) in indices.enumerated() {
                guard let request = requests[index] else { break }
                let previous = position == 0 ? nil : indices[position - 1]
                chain = chain.flatMap { () -> EventLoopFuture<Void> in
                    // A device stops at its first failure, and everything stops once the receiver is unreachable.
                    if unreachable.withLock({ $0 != nil }) { return loop.makeSucceededVoidFuture() }
                    if let previous, results.withLock({ $0[previous] }) != .delivered { return loop.makeSucceededVoidFuture() }
                    return client.execute(request: request, deadline: .now() + timeout).map { response in
                        let status = response.status.code
                        results.withLock {
                            $0[index] = (200..<300).contains(status) ? .delivered : .failed("HTTP \(status)")
                        }
                    }.recover { error in
                        unreachable.withLock { $0 = "\(error)" }
                    }
                }
            }
            chains.append(chain)
        }
        try EventLoopFuture.andAllComplete(chains, on: loop).wait()
        let outcome = results.withLock { $0 }
        if let reason = unreachable.withLock({ $0 }), !outcome.contains(.delivered) {
            throw SinkUnavailable("cannot reach the webhook \(redacted): \(reason)")
        }
        return outcome
    }

    private func request(for message: OutboxMessage) throws -> HTTPClient.Request {
        let body = try CloudEvent.encode(message, source: source)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: CloudEvent.contentType)
        for (name, value) in signature.headers(id: CloudEvent.id(of: message), timestamp: Date(), body: body) {
            headers.add(name: name, value: value)
        }
        return try HTTPClient.Request(url: url, method: .POST, headers: headers, body: .data(body))
    }

    /// The URL for messages: no credentials (MediaIO's redaction) and no query, which may carry a token.
    private var redacted: String {
        String(URLRedaction.redacting(url).prefix { $0 != "?" && $0 != "#" })
    }

    public func close() {
        try? client.syncShutdown()
    }
}
