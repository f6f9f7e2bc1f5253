public import CameraRegistry
import Dispatch
import Foundation
public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle

/// The GB/T 28181 platform side: a SIP server on UDP and TCP (one port for both) that devices in the registry
/// register to. A service of `skygate serve`'s group; off unless `--sip` is given.
public final class GBService: Service, Sendable {
    let access: DeviceAccess
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    /// Restores the persisted registrations (blocking: SQLite); binds nothing until `run()`.
    /// - Parameter onAlarm: records a device's alarm (an event); a device is told its alarm was received only once
    ///   this returns, so it resends one that could not be kept.
    public init(
        configuration: GBConfiguration, registry: Registry, logger: Logger,
        onAlarm: @escaping @Sendable (GBAlarm) throws -> Void = { _ in },
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws {
        access = try DeviceAccess(configuration: configuration, registry: registry, logger: logger, onAlarm: onAlarm)
        self.logger = logger
        self.onListening = onListening
    }

    /// The devices' registrations as this server holds them.
    public var registrations: [String: GBRegistration] { access.registrations }

    /// Asks a device again for its catalog and device information; false when it is not online to be asked. The
    /// answers arrive later, as MESSAGEs, and land in the registry like the ones asked for at registration.
    public func refresh(device: String) -> Bool { access.refresh(device: device) }

    public func run() async throws {
        let configuration = access.configuration
        let group = MultiThreadedEventLoopGroup.singleton
        let access = self.access
        let connections = SIPConnections()
        let udp: any Channel
        let tcp: any Channel
        do {
            udp = try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(access: access))
                    }
                }
                .bind(host: configuration.host, port: configuration.port).get()
            // Port 0 (tests): TCP takes the port UDP was given, so devices find both on one number.
            let port = udp.localAddress?.port ?? configuration.port
            tcp = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            ByteToMessageHandler(SIPFrameDecoder()), SIPStreamHandler(access: access, connections: connections))
                    }
                }
                .bind(host: configuration.host, port: port).get()
        } catch {
            throw GBError(
                .transportFailed, "cannot listen for SIP on \(configuration.host):\(configuration.port): \(error)")
        }
        let port = udp.localAddress?.port ?? configuration.port
        logger.info("SIP server listening", metadata: ["port": "\(port)", "id": "\(configuration.serverID)"])
        access.attach(port: port) { [udp] message, peer in
            let bytes = ByteBuffer(bytes: message.bytes)
            switch peer.transport {
            case .udp:
                guard let address = try? SocketAddress(ipAddress: peer.host, port: peer.port) else { return }
                udp.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: bytes), promise: nil)
            case .tcp:
                connections.channel(for: peer)?.writeAndFlush(bytes, promise: nil)
            }
        }
        // Offline detection, retransmissions and password reloads touch SQLite: a timer on a queue of their own, not the event loop.
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "skygate.gb.tick"))
        // Four times a second: retransmissions over UDP start at 500 ms (RFC 3261's T1).
        timer.schedule(deadline: .now() + 0.25, repeating: 0.25)
        timer.setEventHandler { access.tick() }
        timer.resume()
        await onListening(port)
        try? await gracefulShutdown()
        timer.cancel()
        try? await udp.close()
        try? await tcp.close()
        access.flush()
        logger.info("SIP server stopped")
    }
}
