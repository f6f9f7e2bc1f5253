import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The project's RTSP camera simulator (tools/camera-sim, GStreamer's RTSP server) on free loopback ports.
public final class CameraSimulator {
    private let process: Process
    public let port: UInt16
    public let controlPort: UInt16
    private let directory: URL

    /// Serves `cameras` (IDs) until the simulator is released.
    /// `clips` gives cameras a file to stream instead of the live test picture (camera ID → H.264 MP4); the cameras
    /// of `udpOnly` refuse RTP over TCP (461 Unsupported Transport), as many older cameras do. With `clockAhead`, the
    /// simulator's wall clock, and so the NTP time of its RTCP sender reports, runs that many seconds ahead of this
    /// machine's (`FakeClock`), as a camera whose clock was never set does. The cameras
    /// of `lossy` lose about one RTP packet in the given number, over any transport (`packets(_:)` counts them).
    public init(
        cameras: [String], codec: String = "h264", gop: Int = 25, clips: [String: String] = [:], udpOnly: Set<String> = [],
        clockAhead: Int? = nil, lossy: [String: Int] = [:]
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try (["id,name,main_url"] + cameras.map { "\($0),\($0),rtsp://127.0.0.1/\($0)" }).joined(separator: "\n")
            .write(to: directory.appendingPathComponent("cameras.csv"), atomically: true, encoding: .utf8)
        // Up to three tries: free ports are chosen by the kernel, and another process may take one before the
        // simulator binds it.
        var lastFailure = ""
        for _ in 0..<3 {
            // Both listeners are open together, so the two ports differ, and both are closed when the closure
            // returns, before the simulator binds them.
            let (port, controlPort): (UInt16, UInt16) = try {
                let first = try SilentListener()
                let second = try SilentListener()
                return (first.port, second.port)
            }()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            var arguments = [
                MediaCorpus.packageRoot.appendingPathComponent("tools/camera-sim").path, directory.path, "--port", "\(port)",
                "--control-port", "\(controlPort)", "--codec", codec, "--gop", "\(gop)",
            ]
            arguments += clips.sorted { $0.key < $1.key }.flatMap { ["--clip-for", "\($0.key)=\($0.value)"] }
            arguments += udpOnly.sorted().flatMap { ["--udp-only", $0] }
            arguments += lossy.sorted { $0.key < $1.key }.flatMap { ["--lossy", "\($0.key)=\($0.value)"] }
            process.arguments = arguments
            if let clockAhead { process.environment = try FakeClock.environment(aheadBy: clockAhead) }
            // A file, not a pipe: nobody reads the simulator's output once it has started, and GStreamer's warnings
            // would fill a pipe and stop it. Polled until the simulator says it serves, for at most 15 s: a blocking
            // read of a pipe had no deadline.
            let log = directory.appendingPathComponent("camera-sim.log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let output = try FileHandle(forWritingTo: log)
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            try process.run()
            try? output.close()
            var text = ""
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline, process.isRunning, !text.contains("camera-sim:") {
                Thread.sleep(forTimeInterval: 0.05)
                text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            }
            if text.contains("cameras on rtsp://") {
                self.process = process
                self.port = port
                self.controlPort = controlPort
                return
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            lastFailure = text
        }
        throw TestSupportError("camera-sim did not start: \(lastFailure)")
    }

    /// The stream URL of a camera.
    public func url(_ camera: String) -> String { "rtsp://127.0.0.1:\(port)/\(camera)" }

    /// Applies a fault: drop, restart, stall, resume, freeze, unfreeze, refuse/401, refuse/404, accept.
    public func fault(_ camera: String, _ action: String) throws {
        try ProcessRunner.check("curl", ["-sf", "-X", "POST", "http://127.0.0.1:\(controlPort)/\(camera)/\(action)"])
    }

    /// The RTP packets a camera's payloader made, and those its `lossy` setting dropped, over all its sessions.
    public func packets(_ camera: String) throws -> (sent: Int, dropped: Int) {
        let text = try ProcessRunner.check("curl", ["-sf", "-m", "5", "http://127.0.0.1:\(controlPort)/\(camera)/packets"])
        let counts = try JSONDecoder().decode([String: Int].self, from: Data(text.utf8))
        return (counts["sent"] ?? 0, counts["dropped"] ?? 0)
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
