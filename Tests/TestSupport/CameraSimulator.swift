import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The project's RTSP camera simulator (tools/camera-sim, GStreamer's RTSP server) on free loopback ports.
public final class CameraSimulator {
    private let process = Process()
    public let port: UInt16
    public let controlPort: UInt16
    private let directory: URL

    /// Serves `cameras` (IDs) until the simulator is released.
    public init(cameras: [String], codec: String = "h264") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try (["id,name,main_url"] + cameras.map { "\($0),\($0),rtsp://127.0.0.1/\($0)" }).joined(separator: "\n")
            .write(to: directory.appendingPathComponent("cameras.csv"), atomically: true, encoding: .utf8)
        // Free ports: bind port 0 and let the kernel choose, then hand the numbers to the simulator.
        port = try CameraSimulator.freePort()
        controlPort = try CameraSimulator.freePort()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            MediaCorpus.packageRoot.appendingPathComponent("tools/camera-sim").path, directory.path, "--port", "\(port)",
            "--control-port", "\(controlPort)", "--codec", codec,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, !text.contains("camera-sim:") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard text.contains("cameras on rtsp://") else {
            kill(process.processIdentifier, SIGKILL)
            throw TestSupportError("camera-sim did not start: \(text)")
        }
    }

    /// The stream URL of a camera.
    public func url(_ camera: String) -> String { "rtsp://127.0.0.1:\(port)/\(camera)" }

    /// Applies a fault: drop, stall, resume, freeze, unfreeze, refuse/401, refuse/404, accept.
    public func fault(_ camera: String, _ action: String) throws {
        try ProcessRunner.check("curl", ["-sf", "-X", "POST", "http://127.0.0.1:\(controlPort)/\(camera)/\(action)"])
    }

    private static func freePort() throws -> UInt16 {
        let listener = try SilentListener()
        return listener.port
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
