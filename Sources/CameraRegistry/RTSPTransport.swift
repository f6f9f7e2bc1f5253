/// How RTP travels from an RTSP camera, pinned per camera. Unpinned (`Camera.rtspTransport` nil, "auto"): TCP first,
/// because packet loss over UDP smears pictures into false blur, then UDP when the server refuses TCP with 461
/// Unsupported Transport, as many older cameras, encoders and VLC do.
public enum RTSPTransport: String, Sendable, Codable, CaseIterable {
    case tcp
    case udp
    /// RTP to a multicast group the server announces.
    case udpMulticast = "udp_multicast"
    /// RTSP and RTP tunnelled in HTTP, for networks that pass nothing else.
    case http

    /// The setting a CSV cell, API field or CLI option gives: "auto" (or empty) unpins; otherwise one of the cases.
    public static func setting(_ text: String) throws -> RTSPTransport? {
        if text.isEmpty || text == "auto" { return nil }
        guard let transport = RTSPTransport(rawValue: text) else {
            throw RegistryError(
                .invalid,
                "RTSP transport '\(text)' is not one of auto, \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return transport
    }
}
