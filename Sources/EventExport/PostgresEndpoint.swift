import Events
import Foundation
import NIOCore
import NIOSSL
public import PostgresNIO
import Synchronization

/// A PostgreSQL server as Skygate reaches it: a `postgres://` URL with libpq's TLS settings, and answers awaited on
/// the caller's own thread with a deadline. The event exporter's sink and the fleet's central store both connect so.
public enum PostgresEndpoint {
    /// Waits for `future` at most `seconds`, on the calling thread (never a task of Swift's pool): a server that
    /// vanished mid-query (killed, network cut) must not hold the caller for ever. On the deadline the connection counts
    /// as unavailable (`SinkUnavailable`): the exporter rebuilds its sink, the fleet agent reconnects.
    public static func bounded<T: Sendable>(_ future: EventLoopFuture<T>, seconds: Int64 = 15) throws -> T {
        let promise = future.eventLoop.makePromise(of: T.self)
        let once = Once()
        future.whenComplete { result in once.run { promise.completeWith(result) } }
        let timeout = future.eventLoop.scheduleTask(in: .seconds(seconds)) {
            once.run { promise.fail(SinkUnavailable("PostgreSQL did not answer within \(seconds) s")) }
        }
        defer { timeout.cancel() }
        return try promise.futureResult.wait()
    }

    public static func configuration(from url: String) throws -> PostgresConnection.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, let user = components.user
        else {
            throw EventsError(
                .invalidConfiguration, "the PostgreSQL URL must look like postgres://user:password@host:port/database")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : nil
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        return PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database?.isEmpty == false ? database : nil,
            tls: try tls(sslmode: query["sslmode"], rootCertificate: query["sslrootcert"]))
    }

    /// libpq's `sslmode` (and `sslrootcert`), as a PostgreSQL URL gives them: `prefer` when absent, as libpq does.
    /// `allow` and `prefer` encrypt when the server can, without checking its certificate; `require` insists on TLS;
    /// `verify-ca` also checks the certificate against the root (the file, else the system's); `verify-full` also
    /// checks the host name.
    static func tls(sslmode: String?, rootCertificate: String?) throws -> PostgresConnection.Configuration.TLS {
        func context(_ verification: CertificateVerification) throws -> NIOSSLContext {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = verification
            if let rootCertificate { configuration.trustRoots = .file(rootCertificate) }
            do { return try NIOSSLContext(configuration: configuration) } catch {
                throw EventsError(.invalidConfiguration, "cannot set up TLS for PostgreSQL", underlying: "\(error)")
            }
        }
        switch sslmode ?? "prefer" {
        case "disable": return .disable
        case "allow", "prefer": return .prefer(try context(.none))
        case "require": return .require(try context(.none))
        case "verify-ca": return .require(try context(.noHostnameVerification))
        case "verify-full": return .require(try context(.fullVerification))
        case let other:
            throw EventsError(
                .invalidConfiguration,
                "sslmode '\(other)' is not one of disable, allow, prefer, require, verify-ca, verify-full")
        }
    }
}

/// Runs the first body it is given and ignores the rest: the answer and the deadline race to settle one promise.
private final class Once: Sendable {
    private let done = Mutex(false)

    func run(_ body: () -> Void) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        if first { body() }
    }
}
