import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The project's district simulator (tools/district-sim): many camera paths on several NVR addresses of loopback,
/// streamed by copy from a few clips, with a known fault per camera, counting the sessions open at each NVR.
public final class DistrictSimulator {
    /// One simulated camera: its URL, its NVR's address and its fault ("healthy", "offline", "slow", "black",
    /// "frozen", "blurred", "long-gop").
    public struct Camera: Decodable, Sendable {
        public var url: String
        public var nvr: String
        public var fault: String
    }

    /// What the simulator counted: per NVR address, sessions open at most at once; per camera, sessions begun.
    public struct Sessions: Decodable, Sendable {
        public struct NVR: Decodable, Sendable {
            public var now: Int
            /// The most at once, each end taken the simulator's grace (1 s) before it saw it.
            public var most: Int
            public var begun: Int
        }
        public var nvrs: [String: NVR]
        public var visits: [String: Int]
    }

    private let process: Process
    private let control: String
    private let log: URL
    /// Camera ID → camera.
    public let cameras: [String: Camera]

    private init(process: Process, control: String, cameras: [String: Camera], log: URL) {
        self.process = process
        self.control = control
        self.cameras = cameras
        self.log = log
    }

    /// Serves `cameras` cameras behind `nvrs` NVRs, with `faults` ("offline=5,slow=5,…", per cent of the cameras).
    /// Waits with an async sleep: the first run encodes the clips, which takes seconds.
    public static func start(cameras count: Int, nvrs: Int, faults: String, slowSeconds: Double = 0.5) async throws
        -> DistrictSimulator
    {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("district-sim-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            MediaCorpus.packageRoot.appendingPathComponent("tools/district-sim").path, "--cameras", "\(count)", "--nvrs",
            "\(nvrs)", "--faults", faults, "--slow-seconds", "\(slowSeconds)",
        ]
        // A file, not a pipe: nobody reads the simulator's output after it starts, and a full pipe would stop it.
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? output.close()
        var text = ""
        for _ in 0..<1800 where process.isRunning && !text.contains("control on http://") {
            try await Task.sleep(for: .milliseconds(100))
            text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        guard let range = text.range(of: #"control on http://127\.0\.0\.1:\d+"#, options: .regularExpression) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: log)
            throw TestSupportError("district-sim did not start: \(text)")
        }
        let control = String(text[range].dropFirst("control on ".count))
        let cameras = try JSONDecoder().decode(
            [String: Camera].self, from: Data(try ProcessRunner.check("curl", ["-sf", "-m", "10", control + "/cameras"]).utf8))
        return DistrictSimulator(process: process, control: control, cameras: cameras, log: log)
    }

    /// The sessions counted: at once since the start or the last `resetSessions()`, per camera since the start.
    public func sessions() throws -> Sessions {
        try JSONDecoder().decode(
            Sessions.self, from: Data(try ProcessRunner.check("curl", ["-sf", "-m", "10", control + "/sessions"]).utf8))
    }

    /// Counts the most sessions at once afresh, from now; sessions per camera go on.
    public func resetSessions() throws {
        try ProcessRunner.check("curl", ["-sf", "-m", "10", "-X", "POST", control + "/sessions/reset"])
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
    }
}
