import CameraRegistry
public import Foundation

/// A `Notify/Alarm` from a GB/T 28181 device: for one of its channels, or for itself.
public struct GBAlarm: Sendable, Equatable {
    /// The device that sent it (registered, authenticated).
    public var device: String
    /// The channel or device the alarm is about (its `DeviceID`).
    public var source: String
    /// 1 (first-class) … 4.
    public var priority: Int?
    /// 1 phone, 2 device, 3 SMS, 4 GPS, 5 video, 6 device fault, 7 other.
    public var method: Int?
    /// `Info/AlarmType`: for video alarms 1 manual, 2 motion, 3 loss, 4 tamper, …
    public var type: Int?
    public var description: String
    public var time: Date
    public var serialNumber: Int

    /// Short names for the standard's alarm methods, for the event's alarm name.
    public var methodName: String {
        switch method {
        case 1: "phone"
        case 2: "device"
        case 3: "sms"
        case 4: "gps"
        case 5: "video"
        case 6: "fault"
        default: "other"
        }
    }

    /// `video/2`, `fault/0`: what distinguishes one alarm of a channel from another.
    public var name: String { "\(methodName)/\(type ?? 0)" }

    /// Nil when the message is not an alarm.
    init?(_ message: MANSCDPMessage, device: String, receivedAt: Date) {
        guard message.command?.caseInsensitiveCompare("Alarm") == .orderedSame,
            message.kind.caseInsensitiveCompare("Notify") == .orderedSame
        else { return nil }
        self.device = device
        source = message.deviceID ?? device
        priority = message.root.value("AlarmPriority").flatMap { Int($0) }
        method = message.root.value("AlarmMethod").flatMap { Int($0) }
        type = (message.root.value("Info", "AlarmType") ?? message.root.value("AlarmType")).flatMap { Int($0) }
        // Device text, made safe for the event's reason (which the registry's text checks guard).
        description = cleanedText(message.root.value("AlarmDescription") ?? "", limit: 100)
        time = message.root.value("AlarmTime").flatMap { SIPDate.date(from: $0) } ?? receivedAt
        serialNumber = message.serialNumber ?? 0
    }

}
