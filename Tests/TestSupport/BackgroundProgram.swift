import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program running in the background with its output in a log file, started with posix_spawn and reaped with
/// waitpid (Foundation's `Process` was seen to miss the exit of scripts whose children outlive them).
public final class BackgroundProgram {
    public let processID: pid_t
    public let logPath: String
    private var exitStatus: Int32?

    /// Starts `path` with `arguments`, its output appended to `logPath`, with `environment` (else this process's).
    public init(_ path: String, _ arguments: [String], log logPath: String, environment: [String: String]? = nil) throws {
        self.logPath = logPath
        FileManager.default.createFile(atPath: logPath, contents: nil)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_APPEND, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInheritedDescriptors(&actions)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }
        // Default signal handling, as from a terminal: a shell started with SIGINT ignored could never trap it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGQUIT, SIGHUP] { sigaddset(&defaults, signal) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let status =
            if let envp { posix_spawn(&pid, path, &actions, &attributes, argv, envp) } else {
                posix_spawn(&pid, path, &actions, &attributes, argv, environ)
            }
        guard status == 0 else { throw TestSupportError("cannot start \(path): \(String(cString: strerror(status)))") }
        processID = pid
    }

    /// What it has written so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Its exit status once it has exited; nil while it runs.
    public var status: Int32? {
        if exitStatus == nil {
            var raw: Int32 = 0
            if waitpid(processID, &raw, WNOHANG) == processID {
                exitStatus = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            }
        }
        return exitStatus
    }

    /// Waits until `condition` holds for the log, or the program exits, or `timeout` passes.
    public func waitForLog(_ timeout: Double, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(log) { return true }
            if status != nil { return condition(log) }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    /// Sends `signal` and waits up to `timeout` seconds; returns the exit status, or nil if it is still running.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 20) -> Int32? {
        if status == nil { kill(processID, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while status == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return status
    }

    deinit {
        if stop(timeout: 10) == nil {
            kill(processID, SIGKILL)
            _ = stop(signal: SIGKILL, timeout: 5)
        }
    }
}
