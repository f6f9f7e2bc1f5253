import FileLocking
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
    private let lock: FileLock

    init(dataDirectory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ServiceError(code: .dataDirectoryUnusable, description: "cannot create '\(dataDirectory)': \(error)")
        }
        do {
            lock = try FileLock(path: dataDirectory + "/serve.lock", wait: false)
        } catch  where error.isHeld {
            throw ServiceError(
                code: .alreadyRunning, description: "another `skygate serve` is already running on \(dataDirectory)")
        } catch {
            throw ServiceError(code: .dataDirectoryUnusable, description: error.description)
        }
    }
}

@available(*, unavailable)
extension ServiceLock: Sendable {}
