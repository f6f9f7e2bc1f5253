public import CameraRegistry
import Dispatch
import Foundation
public import Ingest
public import MediaIO
import Synchronization

/// Opens a GB/T 28181 channel (`gb28181://DEVICE/CHANNEL`) for ingest: a receiving port, an INVITE with its offer,
/// the ACK, then the first keyframe pack, all within the open deadline; closing the source sends BYE. The media
/// transport is the device's (`skygate gb add DEVICE --transport`; TCP to a port this side listens on by default, as
/// UDP loss smears pictures, GB28181.md), unless the camera pins `tcp` or `udp` for its channel.
public struct GBSourceOpener: PacketSourceOpener {
    let service: GBService
    public let device: String
    public let channel: String
    let pinned: RTSPTransport?
    let options: DemuxOptions

    /// Nil when `url` is not a `gb28181://DEVICE/CHANNEL` URL.
    public init?(url: String, service: GBService, pinned: RTSPTransport?, options: DemuxOptions) {
        guard let parts = Registry.gbChannelURLParts(url) else { return nil }
        self.service = service
        (device, channel) = parts
        self.pinned = pinned
        self.options = options
    }

    /// Blocks the calling worker thread until the channel sends video, fails, or `interrupt` aborts.
    public func open(interrupt: InterruptFlag) throws -> any PacketSource {
        let name = "GB/T 28181 channel \(channel) of device \(device)"
        let access = service.access
        let configuration = access.configuration
        let ssrc = access.nextSSRC()
        let deviceTransport = (try? access.registry.gbDevice(id: device))?.mediaTransport ?? .tcpPassive
        let overTCP = pinned.map { $0 != .udp } ?? (deviceTransport == .tcpPassive)
        let receiver: RTPVideoReceiver
        do {
            receiver = try RTPVideoReceiver(host: configuration.host, overTCP: overTCP, ssrc: ssrc.value)
        } catch {
            throw MediaError(.openFailed, "cannot open a port for \(name)'s video: \(error)")
        }
        let offer = GBSessionDescription.offer(
            serverID: configuration.serverID.rawValue, address: configuration.advertised, port: receiver.port,
            transport: overTCP ? .tcpPassive : .udp, ssrc: ssrc)
        let outcome = Mutex<Result<LiveDialog, LiveInviteFailure>?>(nil)
        let answered = DispatchSemaphore(value: 0)
        access.invite(
            device: device, channel: channel, ssrc: ssrc, offer: offer, onEnded: { receiver.close() },
            completion: { result in
                let late = outcome.withLock { stored -> Bool in
                    guard stored == nil else { return true }
                    stored = result
                    return false
                }
                // An answer after this side gave up still opened a session at the device: end it.
                if late, case .success(let dialog) = result { access.hangUp(dialog) }
                answered.signal()
            })
        let deadline = Date().addingTimeInterval(options.openTimeout)
        while answered.wait(timeout: .now() + 0.25) == .timedOut {
            guard !interrupt.isAborted, Date() < deadline else {
                outcome.withLock { $0 = $0 ?? .failure(.timedOut) }
                receiver.close()
                if interrupt.isAborted { throw MediaError(.aborted, "opening \(name) was aborted") }
                throw MediaError(.timeout, "\(name) did not answer the invitation within \(Int(options.openTimeout)) s")
            }
        }
        let dialog: LiveDialog
        switch outcome.withLock({ $0 }) {
        case .success(let established): dialog = established
        case .failure(let failure):
            receiver.close()
            throw MediaError(failure.isRefusal ? .openFailed : .timeout, "\(name): \(failure)")
        case nil:
            receiver.close()
            throw MediaError(.openFailed, "\(name): no answer")
        }
        if let answered = dialog.answer.ssrc, answered.value != ssrc.value { receiver.expect(ssrc: answered.value) }
        let remaining = max(1, deadline.timeIntervalSinceNow)
        return try GBPacketSource(
            name: name, receiver: receiver, openTimeout: remaining, readTimeout: options.readTimeout, interrupt: interrupt,
            onClose: { access.hangUp(dialog) }, deviceClockOffset: { [device] in access.clockOffset(of: device) })
    }
}

extension LiveInviteFailure {
    /// Failures a retry soon will not mend (a refusal, an offline device) rather than a silence.
    var isRefusal: Bool {
        if case .timedOut = self { return false }
        return true
    }
}
