import Foundation

/// A real HTTP server on loopback (Python's `http.server`) serving one directory, for tests of network inputs.
public final class HTTPFileServer {
    private let process = Process()
    /// The port the server listens on, on 127.0.0.1.
    public let port: Int

    /// Starts serving `directory` on a free loopback port and waits until it listens.
    public init(directory: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let match = text.firstMatch(of: /port (\d+)/), let port = Int(match.1) {
                self.port = port
                return
            }
        }
        kill(process.processIdentifier, SIGKILL)
        throw TestSupportError("http.server did not start: \(text)")
    }

    /// The URL of a file in the served directory.
    public func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

    deinit {
        // SIGKILL: a test process may ignore SIGTERM, and its children inherit that.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
