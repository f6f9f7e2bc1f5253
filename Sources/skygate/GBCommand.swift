import ArgumentParser
import CameraRegistry
import Foundation
import MediaIO

/// `skygate gb add|remove|devices|device|channels|catalog`: the GB/T 28181 devices allowed to register to
/// `skygate serve --sip`, and their channels.
struct GBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gb",
        abstract: "GB/T 28181 devices (cameras, NVRs, lower platforms) that register to this gateway over SIP.",
        discussion: """
            A device registers with its 20-digit ID and its own password (SIP digest). There is no default password: \
            'add' stores the one you give (--password-file) or generates one and prints it once. Passwords are \
            encrypted at rest and never shown again. 'devices' shows each device's registration as 'skygate serve \
            --sip' last recorded it.
            """,
        subcommands: [Add.self, Remove.self, Devices.self, Device.self, Channels.self, Catalog.self])

    /// A device of the registry, or the one "not found" error for every subcommand that names one.
    static func device(_ id: String, in registry: Registry) throws -> GBDevice {
        guard let device = try registry.gbDevice(id: id) else { throw RegistryError(.notFound, "no GB/T 28181 device \(id)") }
        return device
    }

    /// A registration as the lists show it.
    static func state(_ registration: GBRegistration?) -> String {
        guard let registration else { return "never registered" }
        return registration.online ? "online" : "offline"
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Allow a device to register, or change its name, transport or password.")
        @Argument(help: "The device's 20-digit GB/T 28181 ID.") var id: String
        @Option(help: "A name to show until its catalog names it.") var name: String = ""
        @Option(help: "How it sends live video: tcp (Skygate listens; the default) or udp.") var transport: String = "tcp"
        @Option(
            help: ArgumentHelp(
                "A file holding the password (its first line), 8–128 characters; '-' reads standard input. Without it, "
                    + "a password is generated and printed once.", valueName: "path"))
        var passwordFile: String?
        @OptionGroup var options: RegistryOptions

        func validate() throws {
            guard GBMediaTransport(rawValue: transport) != nil else { throw ValidationError("--transport: tcp or udp") }
        }

        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                let password = try passwordFile.map(Self.readPassword) ?? Self.generatedPassword()
                let device = GBDevice(
                    id: try DeviceID(id, lenient: options.lenientID), name: name,
                    mediaTransport: GBMediaTransport(rawValue: transport)!)
                try registry.saveGBDevice(device, password: password) { try auditCommand(options.location, "gb.device.save", id) }
                if passwordFile == nil {
                    print(password)
                    writeStandardError("skygate: device \(id) may register with the password above; it is not shown again\n")
                } else {
                    writeStandardError("skygate: device \(id) may register\n")
                }
            }
        }

        static func readPassword(_ path: String) throws -> String {
            let text: String?
            if path == "-" {
                text = readLine(strippingNewline: true)
            } else {
                text = (try? String(contentsOfFile: path, encoding: .utf8))?.split(whereSeparator: \.isNewline).first.map(
                    String.init)
            }
            guard let text, !text.isEmpty else { throw CLIError(message: "no password in '\(path)'", status: 66) }
            return text
        }

        /// 20 characters from an alphabet without look-alikes: about 110 bits, typed into a device's web page by hand.
        static func generatedPassword() -> String {
            let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            var generator = SystemRandomNumberGenerator()
            return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a device from registering (its cameras stay).")
        @Argument(help: "The device's ID.") var id: String
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                try options.open().removeGBDevice(id: id) { try auditCommand(options.location, "gb.device.remove", id) }
            }
        }
    }

    struct Devices: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the devices with their registration: online, address, last keepalive, GB version.")
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                let devices = try options.open().gbDevices()
                try format.emit(
                    header: ["id", "name", "state", "address", "registered", "last keepalive", "version", "transport"],
                    rows: devices.map { device in
                        let registration = device.registration
                        return [
                            device.id.rawValue, device.name.isEmpty ? "-" : device.name,
                            GBCommand.state(registration),
                            registration?.address ?? "-", registration.map { TimeText.format($0.registeredAt) } ?? "-",
                            registration?.lastKeepalive.map(TimeText.format) ?? "-",
                            registration.map { $0.version ?? "2016" } ?? "-",
                            device.mediaTransport.rawValue,
                        ]
                    }, json: devices)
            }
        }
    }

    struct Device: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One device: its registration, media transport, and the channels recorded from it.")
        @Argument(help: "The device's ID.") var id: String
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                let device = try GBCommand.device(id, in: registry)
                let channels = try Channels.channels(of: id, in: registry)
                let registration = device.registration
                let info = device.info
                try format.emit(
                    header: ["field", "value"],
                    rows: [
                        ["id", device.id.rawValue], ["name", device.name.isEmpty ? "-" : device.name],
                        ["state", GBCommand.state(registration)],
                        ["address", registration?.address ?? "-"],
                        ["registered", registration.map { TimeText.format($0.registeredAt) } ?? "-"],
                        ["expires", registration.map { TimeText.format($0.expiresAt) } ?? "-"],
                        ["last keepalive", registration?.lastKeepalive.map(TimeText.format) ?? "-"],
                        ["version", registration.map { $0.version ?? "2016" } ?? "-"],
                        ["user agent", registration?.userAgent ?? "-"], ["transport", device.mediaTransport.rawValue],
                        ["channels", "\(channels.count)\(modeCounts(channels.map(\.camera.mode)))"],
                        // Its DeviceInfo answer: what the device says of itself.
                        ["device name", info?.name ?? "-"], ["manufacturer", info?.manufacturer ?? "-"],
                        ["model", info?.model ?? "-"], ["firmware", info?.firmware ?? "-"],
                        ["channels declared", info?.channels.map(String.init) ?? "-"],
                        ["information from", info.map { TimeText.format($0.receivedAt) } ?? "-"],
                        // Its DeviceStatus answer's time, against this gateway's clock.
                        ["clock s", signedText(device.clock?.offset)],
                        ["clock from", device.clock.map { TimeText.format($0.measuredAt) } ?? "-"],
                    ], json: device)
            }
        }
    }

    struct Channels: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The cameras that are GB/T 28181 channels (gb28181://DEVICE/CHANNEL), of one device or all.")
        @Argument(help: "Only this device's channels.") var device: String?
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                let devices = Dictionary(
                    try registry.gbDevices().map { ($0.id.rawValue, $0.mediaTransport) }, uniquingKeysWith: { first, _ in first })
                let channels = try Self.channels(of: device, in: registry)
                try format.emit(
                    header: ["channel", "device", "name", "mode", "transport", "grid"],
                    rows: channels.map { record in
                        let owner = Registry.gbChannelURLParts(record.camera.mainStream.url)?.device ?? "-"
                        // The channel's own pin, else its device's transport.
                        let transport = record.camera.rtspTransport?.rawValue ?? devices[owner]?.rawValue ?? "-"
                        return [
                            record.camera.id.rawValue, owner, record.camera.name, record.camera.mode.rawValue, transport,
                            record.gridPath.last?.name ?? "-",
                        ]
                    }, json: channels.map(CameraView.init))
            }
        }

        /// The cameras whose main stream is a GB/T 28181 channel, of `device` or of every device.
        static func channels(of device: String?, in registry: Registry) throws -> [CameraRecord] {
            try registry.cameras().filter { record in
                guard let parts = Registry.gbChannelURLParts(record.camera.mainStream.url) else { return false }
                return device.map { parts.device == $0 } ?? true
            }
        }
    }

    struct Catalog: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A device's catalog as last received: its channels (cameras) and, for platforms, its tree.")
        @Argument(help: "The device's ID.") var id: String
        @OptionGroup var format: OutputFormat
        @OptionGroup var options: RegistryOptions

        func run() throws {
            try reportingFailures {
                let registry = try options.open()
                _ = try GBCommand.device(id, in: registry)
                let items = try registry.gbCatalog(device: id)
                try format.emit(
                    header: ["id", "name", "kind", "parent", "status", "longitude", "latitude"],
                    rows: items.map { item in
                        [
                            item.id, item.name, item.isVideoChannel ? "camera" : "node", item.parentID ?? "-", item.status ?? "-",
                            item.longitude.map { fixed($0, 6) } ?? "-", item.latitude.map { fixed($0, 6) } ?? "-",
                        ]
                    }, json: items)
            }
        }
    }
}
