import Foundation

/// Why the service could not start, besides the errors of the modules it opens.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable {
        /// Another `skygate serve` runs on the data directory.
        case alreadyRunning
        /// The data directory or its lock file cannot be created.
        case dataDirectoryUnusable
    }

    public let code: Code
    public let description: String
}

/// One service per data directory: a second `skygate serve` on the same directory would record every camera twice.
/// An advisory `flock` on `<data-dir>/serve.lock`, released by the kernel when the process ends however it ends.
final class ServiceLock {
    private let descriptor: Int32

    init(dataDirectory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ServiceError(code: .dataDirectoryUnusable, description: "cannot create '\(dataDirectory)': \(error)")
        }
        let path = dataDirectory + "/serve.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ServiceError(
                code: .dataDirectoryUnusable, description: "cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ServiceError(
                code: .alreadyRunning, description: "another `skygate serve` is already running on \(dataDirectory)")
        }
    }

    deinit { close(descriptor) }
}

@available(*, unavailable)
extension ServiceLock: Sendable {}
