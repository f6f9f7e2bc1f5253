public import CameraRegistry
import Foundation

/// The SIP server's identity and limits. There is no default identity or password: `skygate serve --sip` needs the
/// server's 20-digit ID, and each device its own password in the registry.
public struct GBConfiguration: Sendable {
    /// The platform's SIP ID (type 200), which devices are configured to register to.
    public var serverID: DeviceID
    /// The SIP domain and digest realm; by the standard's convention the first 10 digits of the server ID.
    public var domain: String
    public var host: String
    public var port: Int
    public var keepalive = KeepalivePolicy()
    /// The `Expires` a device may ask for, at most (it is told the granted value in the 200).
    public var maximumExpires = 86_400
    /// Unauthenticated requests answered per second and source address (with a burst of twice as many).
    public var unauthenticatedRate = 20.0
    /// The mode of channels that first appear in a catalog: `off` unless configured, for an operator to choose
    /// (recording is a decision about a public place).
    public var newChannelMode = CameraMode.off
    /// The `Expires` (seconds) of the catalog subscription asked of every registered device (refreshed when three quarters
    /// of it has passed); 0 asks for none. An hour, as WVP and most platforms ask.
    public var catalogSubscription = 3_600
    /// The address devices reach this server at, for the Via and From of its requests; by default `host`, or
    /// 127.0.0.1 when `host` is a wildcard (then set it).
    public var advertisedHost: String?

    var advertised: String { advertisedHost ?? (host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host) }

    public init(serverID: DeviceID, domain: String? = nil, host: String = "0.0.0.0", port: Int = 5060) throws {
        guard serverID.rawValue.count == 20, serverID.rawValue.allSatisfy(\.isASCII), serverID.rawValue.allSatisfy(\.isNumber)
        else {
            throw GBError(.invalidConfiguration, "the SIP server ID must be 20 digits (GB/T 28181), not '\(serverID)'")
        }
        let domain = domain ?? String(serverID.rawValue.prefix(10))
        guard !domain.isEmpty, domain.count <= 64, domain.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") })
        else {
            throw GBError(.invalidConfiguration, "the SIP domain must be letters, digits and dots, not '\(domain)'")
        }
        self.serverID = serverID
        self.domain = domain
        self.host = host
        self.port = port
    }
}
