import NIOCore
import Synchronization

/// SIP over UDP: one datagram, one message (RFC 3261 §18.1). A datagram that does not parse is counted and dropped.
final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
    private let access: DeviceAccess

    init(access: DeviceAccess) { self.access = access }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let peer = SIPPeer(
            transport: .udp, host: envelope.remoteAddress.ipAddress ?? "?", port: envelope.remoteAddress.port ?? 0)
        let bytes = Array(envelope.data.readableBytesView)
        // A datagram of CRLFs is a NAT keepalive (RFC 5626 §3.5.1): nothing to answer.
        guard bytes.contains(where: { $0 != 0x0D && $0 != 0x0A }) else { return }
        do {
            let message = try SIPMessage.parse(bytes)
            guard let answer = access.handle(message, from: peer) else { return }
            let out = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: answer.bytes))
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        } catch {
            access.noteMalformed(error: error, from: peer)
        }
    }

    /// ICMP port unreachable from a device that went away surfaces as a read error: not a reason to close the socket.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

/// Cuts SIP messages out of a TCP stream by their Content-Length (RFC 3261 §18.3). A stream that cannot be SIP
/// closes the connection.
struct SIPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = try SIPFraming.messageLength(in: ArraySlice(buffer.readableBytesView)),
            let frame = buffer.readSlice(length: length)
        else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }
}

/// The open TCP connections from devices, by their address: requests to a device that registered over TCP go on
/// its connection (a device behind NAT can be reached no other way).
final class SIPConnections: Sendable {
    private let channels = Mutex<[SIPPeer: any Channel]>([:])

    func add(_ channel: any Channel) {
        guard let peer = Self.peer(channel) else { return }
        channels.withLock { $0[peer] = channel }
    }

    func remove(_ channel: any Channel) {
        guard let peer = Self.peer(channel) else { return }
        channels.withLock { if $0[peer] === channel { $0[peer] = nil } }
    }

    func channel(for peer: SIPPeer) -> (any Channel)? { channels.withLock { $0[peer] } }

    static func peer(_ channel: any Channel) -> SIPPeer? {
        guard let remote = channel.remoteAddress, let host = remote.ipAddress, let port = remote.port else { return nil }
        return SIPPeer(transport: .tcp, host: host, port: port)
    }
}

/// SIP over one TCP connection: answers go back on it.
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let access: DeviceAccess
    private let connections: SIPConnections

    init(access: DeviceAccess, connections: SIPConnections) {
        self.access = access
        self.connections = connections
    }

    func channelActive(context: ChannelHandlerContext) {
        connections.add(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connections.remove(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(unwrapInboundIn(data).readableBytesView)
        let remote = context.channel.remoteAddress
        let peer = SIPPeer(transport: .tcp, host: remote?.ipAddress ?? "?", port: remote?.port ?? 0)
        guard bytes.contains(where: { $0 != 0x0D && $0 != 0x0A }) else { return }
        do {
            let message = try SIPMessage.parse(bytes)
            guard let answer = access.handle(message, from: peer) else { return }
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: answer.bytes)), promise: nil)
        } catch {
            access.noteMalformed(error: error, from: peer)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
