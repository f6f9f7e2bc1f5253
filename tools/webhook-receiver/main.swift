import EventExport
import Events
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A webhook receiver for tests and benchmarks: accepts Skygate's signed CloudEvents on loopback, checks every
/// Standard Webhooks signature, and keeps what it saw. `GET /_summary` answers counts and the IDs seen;
/// `POST /_status/<code>` makes it answer every later delivery with that code (503 to simulate an outage).
///
///     webhook-receiver --port 9000 --secret-file secret.txt [--ids-file seen.ndjson]
struct Options {
    var port = 9000
    var secret = ""
    var idsFile: String?

    init(arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--port": port = Int(iterator.next() ?? "") ?? 0
            case "--secret-file":
                secret = try String(contentsOfFile: iterator.next() ?? "", encoding: .utf8)
            case "--ids-file": idsFile = iterator.next()
            default: throw ReceiverError("unknown argument \(argument); usage: --port N --secret-file F [--ids-file F]")
            }
        }
        guard port > 0, !secret.isEmpty else { throw ReceiverError("--port and --secret-file are required") }
    }
}

struct ReceiverError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What the receiver has seen.
final class Ledger: Sendable {
    struct State {
        var received = 0
        var invalid = 0
        var answered = 200
        /// Deliveries in arrival order: webhook-id, event ID, sequence, device.
        var deliveries: [(id: String, event: String, sequence: Int64, device: String)] = []
        var firstAt: Double?
        var lastAt: Double?
    }
    let state = Mutex(State())
}

final class Handler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let signature: WebhookSignature
    let ledger: Ledger
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(signature: WebhookSignature, ledger: Ledger) {
        self.signature = signature
        self.ledger = ledger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            let (status, text) = handle(head, Data(body.readableBytesView))
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: String(text.utf8.count))
            headers.add(name: "Content-Type", value: "application/json")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    private func handle(_ head: HTTPRequestHead, _ body: Data) -> (HTTPResponseStatus, String) {
        if head.method == .GET && head.uri == "/_summary" {
            return ledger.state.withLock { state in
                let summary: [String: Any] = [
                    "received": state.received, "invalid": state.invalid,
                    "seconds": (state.lastAt ?? 0) - (state.firstAt ?? 0),
                    "deliveries": state.deliveries.map {
                        ["id": $0.id, "event": $0.event, "sequence": $0.sequence, "device": $0.device]
                    },
                ]
                return (.ok, String(decoding: try! JSONSerialization.data(withJSONObject: summary), as: UTF8.self))
            }
        }
        if head.method == .POST && head.uri.hasPrefix("/_status/"), let code = Int(head.uri.dropFirst(9)) {
            ledger.state.withLock { $0.answered = code }
            return (.ok, "{}")
        }
        let id = head.headers.first(name: "webhook-id") ?? ""
        let timestamp = head.headers.first(name: "webhook-timestamp") ?? ""
        let header = head.headers.first(name: "webhook-signature") ?? ""
        let valid =
            signature.verify(id: id, timestamp: timestamp, body: body, header: header)
            && head.headers.first(name: "content-type") == CloudEvent.contentType
        let parsed = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let data = parsed?["data"] as? [String: Any]
        let event = (data?["event"] as? [String: Any])?["id"] as? String ?? ""
        let sequence = (data?["sequence"] as? NSNumber)?.int64Value ?? -1
        let device = parsed?["subject"] as? String ?? ""
        let now = Date().timeIntervalSince1970
        let answered = ledger.state.withLock { state -> Int in
            state.received += 1
            if !valid || parsed?["specversion"] as? String != "1.0" { state.invalid += 1 }
            state.firstAt = state.firstAt ?? now
            state.lastAt = now
            if state.answered / 100 == 2 { state.deliveries.append((id, event, sequence, device)) }
            return state.answered
        }
        return (HTTPResponseStatus(statusCode: answered), "{}")
    }
}

do {
    let options = try Options(arguments: CommandLine.arguments)
    let signature = try WebhookSignature(secret: options.secret)
    let ledger = Ledger()
    let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.backlog, value: 256)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.pipeline.configureHTTPServerPipeline().flatMap {
                channel.pipeline.addHandler(Handler(signature: signature, ledger: ledger))
            }
        }
    let channel = try bootstrap.bind(host: "127.0.0.1", port: options.port).wait()
    FileHandle.standardError.write(Data("webhook-receiver: listening on 127.0.0.1:\(options.port)\n".utf8))
    try channel.closeFuture.wait()
} catch {
    FileHandle.standardError.write(Data("webhook-receiver: \(error)\n".utf8))
    exit(64)
}
