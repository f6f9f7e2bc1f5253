import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real PostgreSQL server (Debian's) in a scratch directory on a free loopback port, through tools/postgres-local.
public final class PostgresServer {
    public let directory: String
    public let port: UInt16
    private let script = MediaCorpus.packageRoot.appendingPathComponent("tools/postgres-local").path

    /// The URL `skygate serve --postgres` takes.
    public var url: String { "postgres://skygate:skygate@127.0.0.1:\(port)/skygate" }

    public init() throws {
        directory = "/tmp/skygate-pg-\(UUID().uuidString.prefix(8))"
        port = try SilentListener().port
        try start()
    }

    public func start() throws { try Self.spawn(script, ["start", directory, String(port)]) }
    /// An outage: immediate shutdown, as a crash or a cut network would look to a client.
    public func kill() throws { try Self.spawn(script, ["kill", directory]) }

    /// Runs the script with posix_spawn and waitpid: Foundation's `Process` was seen never to notice the exit of a
    /// script whose grandchild (the postmaster) daemonises, and to wait for ever.
    static func spawn(_ path: String, _ arguments: [String]) throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        closeInheritedDescriptors(&actions)
        let status = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard status == 0 else { throw TestSupportError("cannot run \(path): \(String(cString: strerror(status)))") }
        var exit: Int32 = 0
        while waitpid(pid, &exit, 0) < 0 && errno == EINTR {}
        guard exit == 0 else { throw TestSupportError("\(path) \(arguments.joined(separator: " ")) failed (\(exit))") }
    }

    /// Runs SQL with psql; rows as lines, columns separated by `|`.
    public func query(_ sql: String) throws -> [String] {
        let result = try ProcessRunner.run(
            "/usr/bin/psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "skygate", "-d", "skygate", "-tAqc", sql],
            environment: ["PGPASSWORD": "skygate", "PATH": "/usr/bin:/bin"])
        guard result.status == 0 else { throw TestSupportError("psql failed: \(result.standardError)") }
        return result.standardOutput.split(separator: "\n").map(String.init)
    }

    deinit {
        try? Self.spawn(script, ["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The project's webhook receiver (tools/webhook-receiver) on a free loopback port, checking every signature.
public final class WebhookReceiver {
    private let process: Process
    public let port: UInt16
    public let secret: String
    public let secretFile: String

    public struct Summary: Decodable {
        public struct Delivery: Decodable {
            public var id: String
            public var event: String
            public var sequence: Int64
            public var device: String
        }
        public var received: Int
        public var invalid: Int
        public var deliveries: [Delivery]
    }

    public init() throws {
        secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-secret-\(UUID().uuidString)").path
        secret = try ProcessRunner.check(SkygateBinary.path, ["events", "secret"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try secret.write(toFile: secretFile, atomically: true, encoding: .utf8)
        port = try SilentListener().port
        process = Process()
        process.executableURL = URL(fileURLWithPath: SkygateBinary.path).deletingLastPathComponent()
            .appendingPathComponent("webhook-receiver")
        process.arguments = ["--port", String(port), "--secret-file", secretFile]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? summary()) != nil { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSupportError("webhook-receiver did not start")
    }

    public var url: String { "http://127.0.0.1:\(port)/hook" }

    public func summary() throws -> Summary {
        let text = try ProcessRunner.check("curl", ["-sf", "http://127.0.0.1:\(port)/_summary"])
        return try JSONDecoder().decode(Summary.self, from: Data(text.utf8))
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: secretFile)
    }
}
