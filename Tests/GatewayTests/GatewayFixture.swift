import Access
import Archive
import CameraRegistry
import Events
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import MediaIO
import TestSupport

/// A gateway over real stores in a scratch directory: the demo registry, one camera with a stream password and a
/// real recorded MPEG-TS segment indexed as ingest indexes it, and one token per role.
final class GatewayFixture: @unchecked Sendable {
    static let camera = "33019900001320000001"
    static let sensor = "33019900001340000001"
    static let password = "Pa55-never-shown"
    let directory: String
    var services: GatewayServices
    let tokens: [Role: String]
    /// The recorded keyframes' wall times.
    let keyframeTimes: [Date]
    let segment: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-gateway-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let registry = try Registry(dataDirectory: directory) { url in _ = try URLPolicy.default.check(url) }
        _ = try registry.importDirectory(Self.repository + "/camera-registry/demo")
        var camera = try registry.camera(id: Self.camera)!.camera
        camera.mainStream = try registry.streamEndpoint("rtsp://admin:\(Self.password)@192.0.2.10:554/Streaming/Channels/101")
        try registry.updateCamera(camera)

        let archive = try ArchiveDatabase(path: directory + "/archive.sqlite")
        let events = try EventStore(path: directory + "/events.sqlite", sinks: [])
        let feed = EventFeed()
        let engine = try EventEngine(store: events, registry: registry) { feed.publish($0) }
        let access = try AccessStore(path: directory + "/access.sqlite")
        var tokens: [Role: String] = [:]
        for role in Role.allCases {
            tokens[role] = try access.createToken(name: "test-\(role.rawValue)", role: role, actor: "test", source: "test").token
        }
        self.tokens = tokens

        // 12 s of H.264 with a keyframe every 2 s, recorded as ingest records: one TS segment, one index row per
        // keyframe with its byte offset (from ffprobe), ending now.
        let source = try MediaCorpus.file(
            "gateway-segment",
            [
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=12", "-c:v", "libx264", "-preset", "ultrafast",
                "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-f", "mpegts",
            ], extension: "ts")
        let segmentDirectory = directory + "/segments/\(Self.camera)"
        try FileManager.default.createDirectory(atPath: segmentDirectory, withIntermediateDirectories: true)
        let segment = segmentDirectory + "/0001.ts"
        self.segment = segment
        try FileManager.default.copyItem(atPath: source, toPath: segment)
        let packets = try Oracles.keyPackets(segment)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        let start = Date().addingTimeInterval(-12)
        let firstPTS = packets.first?.pts ?? 0
        let rows = packets.map { packet in
            let seconds = Double((packet.pts ?? 0) - firstPTS) / 90_000
            return RecordedKeyframe(
                camera: Self.camera, wallClock: start.addingTimeInterval(seconds), seconds: seconds, segment: segment,
                byteOffset: Self.recorderOffset(packet.position ?? 0, in: bytes), size: packet.size,
                stats: FrameStats(
                    width: 640, height: 360, meanLuma: 110 + seconds, lumaStdDev: 50, darkFraction: 0.1, brightFraction: 0.1,
                    sharpness: 20 - seconds, edgeDensity: 0.2, perceptualHash: 0x1234, meanU: 128, meanV: 128))
        }
        try RecordingIndex(store: archive).append(rows)
        keyframeTimes = rows.map(\.wallClock)

        services = GatewayServices(
            registry: registry, archive: archive, events: events, engine: engine, access: access, feed: feed,
            scratchDirectory: directory + "/tmp", sinks: [])
        // "Now" stays where the recording ends, however long the test runner keeps this test waiting.
        let recordingEnd = start.addingTimeInterval(12)
        services.now = { recordingEnd }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Where Skygate's recorder would have indexed a keyframe that ffprobe places at `position`: at the PAT and PMT
    /// FFmpeg's muxer writes just before every keyframe (two TS packets, 376 bytes), where the writer's position was
    /// when it was handed the keyframe.
    static func recorderOffset(_ position: Int64, in bytes: Data) -> Int64 {
        let candidate = Int(position) - 376
        guard candidate >= 0, bytes.count > candidate + 3, bytes[candidate] == 0x47,
            (UInt16(bytes[candidate + 1] & 0x1F) << 8 | UInt16(bytes[candidate + 2])) == 0
        else { return position }
        return Int64(candidate)
    }

    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    var application: some ApplicationProtocol {
        Application(router: Gateway.router(services))
    }

    func headers(_ role: Role?) -> HTTPFields {
        guard let role else { return [:] }
        return [.authorization: "Bearer \(tokens[role]!)"]
    }

    func audit() throws -> [AuditEntry] { try services.access.auditTrail() }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    func json<T: Decodable>(_ type: T.Type) throws -> T { try GatewayJSON.decoder.decode(type, from: Data(buffer: body)) }
}
