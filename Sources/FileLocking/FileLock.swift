import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a lock file could not be locked.
public struct FileLockError: Error, Sendable, CustomStringConvertible {
    /// Another owner holds the lock (only when not waiting for it).
    public let isHeld: Bool
    public let description: String
}

/// An advisory `flock` on a file of its own, shared by every process that opens the same path.
///
/// `flock` rather than `fcntl`: an `fcntl` lock belongs to the process and is dropped when *any* descriptor of the file
/// closes (SQLite's own locks are of that kind, so its files are never used for this); a `flock` belongs to this one
/// open file, so two owners in one process exclude each other just as two processes do. The kernel releases it when the
/// process ends however it ends (`kill -9` included), so a crash never leaves a stale lock behind.
public final class FileLock {
    private let descriptor: Int32

    /// Opens (creating, mode 0600) the file at `path` and locks it exclusively: waiting for the current holder, or,
    /// with `wait` false, throwing an error whose `isHeld` is true.
    public init(path: String, wait: Bool = true) throws(FileLockError) {
        // Read-only is enough for flock, and lets a service account lock a file that root's CLI run created.
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw FileLockError(isHeld: false, description: "cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            let code = errno
            if code == EINTR { continue }
            close(descriptor)
            throw FileLockError(
                isHeld: code == EWOULDBLOCK, description: "cannot lock '\(path)': \(String(cString: strerror(code)))")
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}

@available(*, unavailable)
extension FileLock: Sendable {}
