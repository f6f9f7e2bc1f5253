import ArgumentParser
import CameraRegistry
import GB28181
import SkygateService

/// The GB/T 28181 SIP server of `skygate serve`: off unless `--sip` is given.
struct SIPOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Be the GB/T 28181 platform that cameras, NVRs and lower platforms register to: listen for SIP on UDP and "
                + "TCP at HOST:PORT (the standard's port is 5060). Off by default. Devices need a password each "
                + "('skygate gb add').",
            valueName: "host:port"))
    var sip: String?

    @Option(
        help: ArgumentHelp(
            "The platform's 20-digit SIP ID (type 200), which devices are configured to register to. Required with --sip.",
            valueName: "id"))
    var sipID: String?

    @Option(help: ArgumentHelp("The SIP domain and digest realm. Default: the first 10 digits of --sip-id.", valueName: "domain"))
    var sipDomain: String?

    @Option(
        help: ArgumentHelp(
            "The address devices reach this gateway at, for the requests it sends them (catalog queries). Default: the "
                + "--sip host, which must then not be a wildcard such as 0.0.0.0.", valueName: "host"))
    var sipAdvertise: String?

    @Option(
        help: ArgumentHelp(
            "The mode of the channels a device's catalog adds: record, patrol or off. Off unless given, for an operator "
                + "to choose ('skygate camera set-mode'): recording a public place is a decision.",
            valueName: "mode"), transform: parseCameraMode)
    var sipNewChannelMode: CameraMode = .off

    @Flag(help: ArgumentHelp("The same as '--sip-new-channel-mode record'."))
    var sipRecordNewChannels = false

    @Option(
        help: ArgumentHelp(
            "The catalog subscription asked of every registered device, in seconds (refreshed when three quarters have "
                + "passed): the device then sends each change of its catalog at once. 0 asks for none; devices that "
                + "refuse are asked again hourly, and the catalog query at each registration keeps them current anyway.",
            valueName: "seconds"))
    var sipCatalogSubscription = 3_600

    @Option(help: ArgumentHelp("Seconds between a device's keepalives, as the devices are configured.", valueName: "seconds"))
    var keepaliveInterval: Double = KeepalivePolicy().interval

    @Option(help: ArgumentHelp("Keepalives a device may miss before it is offline.", valueName: "n"))
    var keepaliveCount: Int = KeepalivePolicy().count

    func validate() throws {
        guard let sip else {
            if sipID != nil || sipDomain != nil { throw ValidationError("--sip-id and --sip-domain need --sip HOST:PORT") }
            return
        }
        guard HTTPAddress(parsing: sip) != nil else {
            throw ValidationError("--sip '\(sip)': expected HOST:PORT, e.g. 0.0.0.0:5060")
        }
        guard sipID != nil else {
            throw ValidationError("--sip needs --sip-id, the platform's 20-digit GB/T 28181 ID (there is no default)")
        }
        guard sipCatalogSubscription == 0 || (60...86_400).contains(sipCatalogSubscription) else {
            throw ValidationError("--sip-catalog-subscription must be 0 (none) or 60 to 86400 seconds")
        }
        guard keepaliveInterval > 0, keepaliveInterval.isFinite, keepaliveCount >= 1 else {
            throw ValidationError("--keepalive-interval must be positive and --keepalive-count at least 1")
        }
    }

    /// The SIP server's configuration; nil without `--sip`.
    func configuration() throws -> GBConfiguration? {
        guard let sip, let address = HTTPAddress(parsing: sip), let sipID else { return nil }
        var configuration = try GBConfiguration(
            serverID: try DeviceID(sipID, lenient: true), domain: sipDomain, host: address.host, port: address.port)
        configuration.keepalive = KeepalivePolicy(interval: keepaliveInterval, count: keepaliveCount)
        configuration.advertisedHost = sipAdvertise
        configuration.newChannelMode = sipRecordNewChannels ? .record : sipNewChannelMode
        configuration.catalogSubscription = sipCatalogSubscription
        return configuration
    }
}
