import Crypto
import FileLocking
public import Foundation
internal import GRDB

/// Roles of API tokens, each including the ones before it.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    /// Reads status, events and reports.
    case viewer
    /// Also snapshots, clips and keyframes, and acknowledges events.
    case `operator`
    /// Also changes the registry and manages tokens.
    case admin

    public static func < (a: Role, b: Role) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// An API token as stored: never the token itself, only its SHA-256.
public struct TokenRecord: Sendable, Codable, Equatable {
    /// A short public handle (the first characters of the token's hash), for listing and revoking.
    public var id: String
    public var name: String
    public var role: Role
    public var createdAt: Date
    public var revokedAt: Date?
}

/// One entry of the audit trail: who did what to what, when and from where.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var sequence: Int64
    public var at: Date
    /// The token's name and ID (`name#id`), or `cli:<user>` for the command line.
    public var actor: String
    /// What was done: `token.create`, `token.revoke`, `clip.download`, `snapshot.view`, `events.export`, …
    public var action: String
    /// What it was done to (a camera, a token ID, a file).
    public var target: String
    /// Where from: the client's address, or `cli`.
    public var source: String
    public var detail: String?
}

/// Failures of the access store.
public struct AccessError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A value that fails validation (a token's name).
        case invalid
        /// The access store cannot be opened, created or migrated.
        case storeUnavailable
        /// A read or write of the access store failed.
        case storeFailed
    }

    public let code: Code
    public let description: String
    /// SQLite's extended result code, when SQLite failed.
    public let sqliteCode: Int32?

    public init(_ code: Code, _ description: String, sqliteCode: Int32? = nil) {
        self.code = code
        self.description = description
        self.sqliteCode = sqliteCode
    }
}

/// API tokens (hashed) and the append-only audit trail, in `<data-dir>/access.sqlite`.
///
/// The audit table refuses UPDATE and DELETE with triggers, so a bug or a careless script cannot rewrite history
/// through SQLite; what remains is the file itself, which only the service's user can write.
public final class AccessStore: Sendable {
    let database: DatabasePool
    public let path: String
    /// The key that signs media capabilities, made on the first run and read once here: every playlist and segment
    /// request checks a capability, and none of them should cost a read of this file.
    public let mediaCapabilityKey: MediaCapability.Key

    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AccessError(.storeUnavailable, "cannot create directory '\(directory)' for the access store: \(error)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        do {
            let database = try MigrationLock.holding(forDatabaseAt: path) {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Self.migrator.migrate(pool)
                return pool
            }
            self.database = database
            let key = try database.read { db in
                try Data.fetchOne(db, sql: "SELECT key FROM signing_key WHERE name = 'media'")
            }
            guard let key, key.count == 32 else {
                throw AccessError(.storeUnavailable, "the access store '\(path)' has no media capability key")
            }
            mediaCapabilityKey = MediaCapability.Key(key)
        } catch let error as AccessError {
            throw error
        } catch {
            throw AccessError(
                .storeUnavailable, "cannot open the access store '\(path)': \(error)",
                sqliteCode: (error as? DatabaseError)?.extendedResultCode.rawValue)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: tokens and audit") { db in
            try db.execute(
                sql: """
                    CREATE TABLE token (
                        hash TEXT PRIMARY KEY NOT NULL,
                        id TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
                        created_at REAL NOT NULL,
                        revoked_at REAL
                    ) WITHOUT ROWID;
                    CREATE TABLE audit (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        target TEXT NOT NULL,
                        source TEXT NOT NULL,
                        detail TEXT
                    );
                    CREATE INDEX audit_by_time ON audit (at);
                    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                    """)
        }
        migrator.registerMigration("v2: the media capability key") { db in
            // The key that signs short-lived media URLs (`MediaCapability`): made once, on the first run, and never
            // shown. Removing the row (or the file) invalidates every URL handed out.
            try db.execute(sql: "CREATE TABLE signing_key (name TEXT PRIMARY KEY NOT NULL, key BLOB NOT NULL) WITHOUT ROWID")
            let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            try db.execute(sql: "INSERT INTO signing_key (name, key) VALUES ('media', ?)", arguments: [key])
        }
        return migrator
    }

    // MARK: - Tokens

    /// Creates a token and returns it in full: the only time it is ever shown. Audited as `token.create` by `actor`.
    public func createToken(name: String, role: Role, actor: String, source: String) throws -> (
        token: String, record: TokenRecord
    ) {
        guard !name.isEmpty, name.count <= 100, !name.contains(where: \.isNewline) else {
            throw AccessError(.invalid, "a token name must be 1–100 characters on one line")
        }
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let token = "sgt_" + MediaCapability.base64URL(secret)
        let hash = Self.hash(token)
        let record = TokenRecord(id: String(hash.prefix(12)), name: name, role: role, createdAt: Date(), revokedAt: nil)
        try write { db in
            try db.execute(
                sql: "INSERT INTO token (hash, id, name, role, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [hash, record.id, name, role.rawValue, record.createdAt.timeIntervalSince1970])
            try Self.append(
                db, actor: actor, action: "token.create", target: record.id, source: source, detail: "\(name) (\(role.rawValue))")
        }
        return (token, record)
    }

    /// The token's record if it exists and is not revoked.
    public func authenticate(_ token: String) throws -> TokenRecord? {
        let hash = Self.hash(token)
        return try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM token WHERE hash = ? AND revoked_at IS NULL", arguments: [hash])
                .map(Self.record)
        }
    }

    public func tokens() throws -> [TokenRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM token ORDER BY created_at").map(Self.record) }
    }

    /// Revokes a token by its ID; false if there is no such active token.
    @discardableResult
    public func revoke(id: String, actor: String, source: String) throws -> Bool {
        try write { db in
            try db.execute(
                sql: "UPDATE token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [Date().timeIntervalSince1970, id])
            guard db.changesCount == 1 else { return false }
            try Self.append(db, actor: actor, action: "token.revoke", target: id, source: source, detail: nil)
            return true
        }
    }

    /// Whether any active admin token exists (the service makes one on its first run when none does).
    public func hasAdmin() throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM token WHERE role = 'admin' AND revoked_at IS NULL)")
                ?? false
        }
    }

    // MARK: - Audit

    /// Appends to the audit trail.
    public func audit(actor: String, action: String, target: String, source: String, detail: String? = nil) throws {
        try write { db in try Self.append(db, actor: actor, action: action, target: target, source: source, detail: detail) }
    }

    /// Audit entries, oldest first, filtered by time, actor and action prefix.
    public func auditTrail(from: Date? = nil, to: Date? = nil, actor: String? = nil, action: String? = nil, limit: Int = 1000)
        throws -> [AuditEntry]
    {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM audit WHERE at >= ?1 AND at < ?2 AND (?3 IS NULL OR actor = ?3)
                      AND (?4 IS NULL OR action = ?4 OR action LIKE ?4 || '.%')
                    ORDER BY sequence LIMIT ?5
                    """,
                arguments: [
                    (from ?? .distantPast).timeIntervalSince1970, (to ?? .distantFuture).timeIntervalSince1970, actor, action,
                    limit,
                ]
            ).map { row in
                AuditEntry(
                    sequence: row["sequence"], at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"],
                    action: row["action"], target: row["target"], source: row["source"], detail: row["detail"])
            }
        }
    }

    // MARK: - Helpers

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private static func record(_ row: Row) -> TokenRecord {
        TokenRecord(
            id: row["id"], name: row["name"], role: Role(rawValue: row["role"]) ?? .viewer,
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    private static func append(
        _ db: Database, actor: String, action: String, target: String, source: String, detail: String?
    ) throws {
        try db.execute(
            sql: "INSERT INTO audit (at, actor, action, target, source, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [Date().timeIntervalSince1970, actor, action, target, source, detail])
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try database.write(body) } catch let error as AccessError { throw error } catch {
            throw AccessError(
                .storeFailed, "cannot write '\(path)': \(error)",
                sqliteCode: (error as? DatabaseError)?.extendedResultCode.rawValue)
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try database.read(body) } catch {
            throw AccessError(
                .storeFailed, "cannot read '\(path)': \(error)",
                sqliteCode: (error as? DatabaseError)?.extendedResultCode.rawValue)
        }
    }
}
