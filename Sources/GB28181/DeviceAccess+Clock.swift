import CameraRegistry
import Foundation
import Logging
import Synchronization

extension GBDeviceClock {
    /// A device's `<Response><CmdType>DeviceStatus</CmdType>…<DeviceTime>…` answer, read as its clock against this
    /// gateway's at `receivedAt`; nil for any other message, and for an answer without a readable `DeviceTime`.
    init?(answer message: MANSCDPMessage, receivedAt: Date) {
        guard message.kind.caseInsensitiveCompare("Response") == .orderedSame,
            message.command?.caseInsensitiveCompare("DeviceStatus") == .orderedSame,
            let text = message.root.value("DeviceTime"), let deviceTime = SIPDate.date(from: text)
        else { return nil }
        // A time in whole seconds names the second the device was in: its middle is the best guess of its clock.
        let middle = text.contains(".") ? 0 : 0.5
        self.init(offset: deviceTime.timeIntervalSince(receivedAt) + middle, measuredAt: receivedAt)
    }
}

/// A device's clock, asked for with DeviceStatus on every registration (GB/T 28181 has no other time in what a device
/// sends: its RTP timestamps count from an arbitrary start, and it sends no RTCP sender reports). A device that sets
/// its clock from the `Date` of the REGISTER's 200 reads about 0 here; one that does not shows how far off it is.
extension DeviceAccess {
    /// Keeps a device's clock for its channels' sources and records it in the registry. The answer to one query
    /// (`serialNumber`) counts once: a resend of it over UDP tells the same time, later, and would read too low.
    func record(_ clock: GBDeviceClock, of device: String, serialNumber: Int?) {
        let isNew = state.withLock { state in
            guard serialNumber == nil || state.clocks[device]?.serialNumber != serialNumber else { return false }
            state.clocks[device] = (clock.offset, serialNumber)
            return true
        }
        guard isNew else { return }
        persistence.async { [registry, logger] in
            do { try registry.recordGBDeviceClock(device: device, clock) } catch {
                logger.error("cannot record a device's clock", metadata: ["device": "\(device)", "error": "\(error)"])
            }
        }
    }

    /// Seconds the device's clock is ahead of this gateway's (negative: behind), as it last told; nil before it has.
    func clockOffset(of device: String) -> Double? {
        state.withLock { $0.clocks[device]?.offset }
    }
}
