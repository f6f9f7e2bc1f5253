import CameraRegistry
import GB28181
import Ingest
import MediaIO

extension SkygateService {
    /// How ingest opens `gb28181://DEVICE/CHANNEL` cameras: through the SIP server's invitation when it runs (over
    /// the device's media transport, or the camera's pinned one), and otherwise with an error that says what is
    /// missing, instead of FFmpeg's refusal of an unknown scheme.
    static func gbSources(_ sip: GBService?) -> SourceProvider {
        { endpoint, options in
            guard endpoint.connectionURL.hasPrefix("gb28181://") else { return nil }
            guard let sip else {
                return RefusedSource(
                    reason: "\(endpoint.connectionURL) is a GB/T 28181 channel: it records only while the SIP server runs "
                        + "(skygate serve --sip HOST:PORT --sip-id ID)")
            }
            return GBSourceOpener(
                url: endpoint.connectionURL, service: sip, pinned: endpoint.rtspTransport, options: options)
                ?? RefusedSource(reason: "'\(endpoint.connectionURL)' is not a GB/T 28181 channel URL (gb28181://DEVICE/CHANNEL)")
        }
    }
}

/// An opener that always refuses, saying why.
struct RefusedSource: PacketSourceOpener {
    let reason: String

    func open(interrupt: InterruptFlag) throws -> any PacketSource { throw MediaError(.refusedURL, reason) }
}
