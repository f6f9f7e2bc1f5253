import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `skygate serve` running as a user runs it, on a data directory of its own, with its log in `<data>/serve.log`.
public final class GatewayProcess {
    public let dataDirectory: String
    private let process: Process
    public var processID: Int32 { process.processIdentifier }
    public var logPath: String { dataDirectory + "/serve.log" }

    /// Makes a scratch data directory with `cameras` (ID → stream URL) registered through the CLI.
    public static func registry(_ cameras: [(id: String, url: String)]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-live-\(UUID().uuidString)").path
        for (index, camera) in cameras.enumerated() {
            let result = try SkygateBinary.run([
                "camera", "add", camera.id, "--name", camera.id, "--url", camera.url, "--longitude",
                String(116.39 + Double(index) * 0.001),
                "--latitude", "39.91", "--lenient-id", "--data-dir", directory,
            ])
            guard result.status == 0 else { throw TestSupportError("camera add \(camera.id) failed: \(result.standardError)") }
        }
        return directory
    }

    /// Starts `skygate serve --data-dir dataDirectory arguments…` and waits until it says it is serving; with
    /// `descriptorLimit`, under that open-file limit (soft, hard), as a distribution's service manager starts it.
    public init(dataDirectory: String, arguments: [String] = [], descriptorLimit: (soft: Int, hard: Int)? = nil) throws {
        self.dataDirectory = dataDirectory
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dataDirectory + "/serve.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: dataDirectory + "/serve.log"))
        process = Process()
        process.executableURL = URL(fileURLWithPath: SkygateBinary.path)
        // Its own free HTTP port unless the test names one: tests run side by side.
        let http = arguments.contains("--http") ? [] : ["--http", "127.0.0.1:0"]
        process.arguments = ["serve", "--data-dir", dataDirectory, "--log-level", "warning"] + http + arguments
        if let descriptorLimit {
            // prlimit executes the command in its own process, so the process ID stays the service's.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
            process.arguments =
                ["--nofile=\(descriptorLimit.soft):\(descriptorLimit.hard)", "--", SkygateBinary.path] + process.arguments!
        }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: dataDirectory + "/serve.log", encoding: .utf8)) ?? ""
            if text.contains("skygate: serving") { return }
            if !process.isRunning { throw TestSupportError("skygate serve exited: \(text)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSupportError("skygate serve did not start within 20 s")
    }

    /// The HTTP API's base URL, e.g. http://127.0.0.1:41234 (from the service's start line).
    public var httpBase: String? {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        guard let match = text.firstMatch(of: /API and dashboard on (http:\/\/[^\/\s]+)\//) else { return nil }
        return String(match.1)
    }

    /// Sends SIGTERM and waits; returns the exit status, or nil if it did not exit within `timeout` seconds.
    public func stop(timeout: Double = 10) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Resident memory in bytes, threads and open file descriptors of the service, from /proc.
    public func resources() -> (rss: Int, threads: Int, descriptors: Int) {
        let status = statusFields()
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(processID)/fd").count) ?? 0
        return ((status["VmRSS"] ?? 0) * 1024, status["Threads"] ?? 0, descriptors)
    }

    /// The service's resident memory split by kind, in bytes, from /proc: anonymous (the heap and thread stacks, where a
    /// leak shows), file-backed (library code and data paged in, which the kernel may drop and page in again) and
    /// shared memory.
    public func residentMemory() -> (anonymous: Int, file: Int, shared: Int) {
        let status = statusFields()
        return ((status["RssAnon"] ?? 0) * 1024, (status["RssFile"] ?? 0) * 1024, (status["RssShmem"] ?? 0) * 1024)
    }

    /// The numeric fields of /proc/<pid>/status ("VmRSS:    1234 kB" → ["VmRSS": 1234]).
    private func statusFields() -> [String: Int] {
        let status = (try? String(contentsOfFile: "/proc/\(processID)/status", encoding: .utf8)) ?? ""
        var fields: [String: Int] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            if parts.count >= 2, let value = Int(parts[1]) { fields[String(parts[0])] = value }
        }
        return fields
    }

    /// Runs a `skygate` command against this data directory.
    public func command(_ arguments: [String]) throws -> ProcessResult {
        try SkygateBinary.run(arguments + ["--data-dir", dataDirectory])
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
