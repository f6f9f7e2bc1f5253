import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Encrypts camera credentials at rest with AES-GCM under a key of the data directory's own.
///
/// The key is 32 random bytes in a file of mode 0600, created on first use so that two processes starting together
/// never make two keys and never read half of one. Lose the key and the stored credentials are lost with it; nothing
/// else is.
final class CredentialVault: Sendable {
    /// The key's bytes (`SymmetricKey` itself is not `Sendable`).
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    init(keyFile path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw RegistryError(
                .storeFailed, "cannot create '\(directory)' for the credential key: \(error.localizedDescription)")
        }
        try Self.createKeyIfAbsent(at: path)
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & 0o077 != 0 {
            throw RegistryError(
                .storeFailed,
                "the credential key '\(path)' may be read by other users (mode \(String(status.st_mode & 0o777, radix: 8))); "
                    + "run chmod 600 on it (and consider the stored passwords exposed)")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count == 32 else {
            throw RegistryError(.storeFailed, "the credential key '\(path)' is unreadable or not 32 bytes")
        }
        keyBytes = data
    }

    /// Writes a new key to a file of its own, then links it to `path`: `link` fails if `path` exists, so exactly one
    /// process's key wins, and the file appears whole. (Creating `path` with `O_EXCL` and then writing let a process
    /// starting at the same moment read it empty.)
    private static func createKeyIfAbsent(at path: String) throws {
        guard access(path, F_OK) != 0 else { return }
        let draft = "\(path).\(getpid()).\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = Glibc.open(draft, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RegistryError(.storeFailed, "cannot create the credential key '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { unlink(draft) }
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            throw RegistryError(.storeFailed, "cannot write the credential key '\(path)'")
        }
        guard link(draft, path) == 0 || errno == EEXIST else {
            throw RegistryError(.storeFailed, "cannot create the credential key '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    /// The sealed form of a user name and password (nil when there are none).
    func seal(username: String?, password: String?) throws -> Data? {
        guard username != nil || password != nil else { return nil }
        let plain = try JSONEncoder().encode([username ?? "", password ?? ""])
        guard let combined = try AES.GCM.seal(plain, using: key).combined else {
            throw RegistryError(.storeFailed, "cannot seal credentials")
        }
        return combined
    }

    /// The user name and password in `sealed`.
    func open(_ sealed: Data?) throws -> (username: String?, password: String?) {
        guard let sealed else { return (nil, nil) }
        do {
            let plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: sealed), using: key)
            let parts = try JSONDecoder().decode([String].self, from: plain)
            guard parts.count == 2 else { throw RegistryError(.storeFailed, "stored credentials are malformed") }
            return (parts[0].isEmpty ? nil : parts[0], parts[1].isEmpty ? nil : parts[1])
        } catch {
            throw RegistryError(.storeFailed, "stored credentials cannot be decrypted with this data directory's key")
        }
    }
}
