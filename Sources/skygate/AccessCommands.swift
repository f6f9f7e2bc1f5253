import Access
import ArgumentParser
import Foundation
import MediaIO

/// The access store of a data directory.
func openAccessStore(_ location: DataLocation) throws -> AccessStore {
    do {
        return try AccessStore(path: (location.dataDirectory as NSString).appendingPathComponent("access.sqlite"))
    } catch {
        throw CLIError(message: "\(error)", status: 74)
    }
}

/// Records what a command is about to do in the audit trail, as the API records its own: before the change, so a
/// change that cannot be audited is not made (an audit row may then name an attempt that failed).
func auditCommand(_ location: DataLocation, _ action: String, _ target: String, detail: String? = nil) throws {
    do {
        try openAccessStore(location).audit(
            actor: commandLineActor, action: action, target: target, source: "cli", detail: detail)
    } catch {
        throw CLIError(message: "cannot write the audit trail, so nothing was done: \(error)", status: 74)
    }
}

/// Who runs a command, for the audit trail.
var commandLineActor: String {
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return "cli:" + String(cString: name) }
    return "cli:uid\(getuid())"
}

/// `skygate token create|list|revoke`: API tokens for the gateway.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke API tokens (viewer, operator, admin).",
        discussion: """
            A token is printed once, when it is made; only its SHA-256 is stored. viewer reads status, events and \
            reports; operator also snapshots, clips and keyframes; admin also changes the registry and tokens. Every \
            change is in the audit trail (`skygate audit list`).
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token and print it (the only time it is shown).")
        @Option(help: "Who or what the token is for.") var name: String
        @Option(help: "viewer, operator or admin.") var role: String = "viewer"
        @OptionGroup var location: DataLocation

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role: viewer, operator or admin") }
        }

        func run() throws {
            try reportingFailures {
                let created = try openAccessStore(location).createToken(
                    name: name, role: Role(rawValue: role)!, actor: commandLineActor, source: "cli")
                print(created.token)
                writeStandardError(
                    "skygate: token \(created.record.id) (\(role)) for \(name); it is not shown again, keep it safe\n")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never the tokens themselves).")
        @OptionGroup var format: OutputFormat
        @OptionGroup var location: DataLocation

        func run() throws {
            try reportingFailures {
                let tokens = try openAccessStore(location).tokens()
                try format.emit(
                    header: ["id", "name", "role", "created", "revoked"],
                    rows: tokens.map {
                        [
                            $0.id, $0.name, $0.role.rawValue, TimeText.format($0.createdAt),
                            $0.revokedAt.map(TimeText.format) ?? "-",
                        ]
                    }, json: tokens)
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its ID (from `token list`).")
        @Argument(help: "Token ID.") var id: String
        @OptionGroup var location: DataLocation

        func run() throws {
            try reportingFailures {
                guard try openAccessStore(location).revoke(id: id, actor: commandLineActor, source: "cli") else {
                    throw CLIError(message: "no active token '\(id)'", status: 66)
                }
                print("token \(id) revoked")
            }
        }
    }
}

/// `skygate audit list`: the append-only audit trail.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show the audit trail: access to video, exports, registry and token changes.",
        subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries, oldest first.")
        @Option(help: ArgumentHelp("From this time.", valueName: "time")) var from: String?
        @Option(help: ArgumentHelp("Before this time.", valueName: "time")) var to: String?
        @Option(help: "Only this actor (token name#id, or cli:user).") var actor: String?
        @Option(help: "Only this action or family (token, token.create, clip, …).") var action: String?
        @Option(help: "Show at most this many.") var limit: Int = 1000
        @OptionGroup var format: OutputFormat
        @OptionGroup var location: DataLocation

        func validate() throws {
            for (name, value) in [("--from", from), ("--to", to)] {
                if let value, parseWallTime(value) == nil { throw ValidationError("\(name) '\(value)': not a time") }
            }
        }

        func run() throws {
            try reportingFailures {
                let entries = try openAccessStore(location).auditTrail(
                    from: from.flatMap { parseWallTime($0) }, to: to.flatMap { parseWallTime($0) }, actor: actor, action: action,
                    limit: max(1, limit))
                try format.emit(
                    header: ["at", "actor", "action", "target", "source", "detail"],
                    rows: entries.map { [TimeText.format($0.at), $0.actor, $0.action, $0.target, $0.source, $0.detail ?? ""] },
                    json: entries)
            }
        }
    }
}

/// No default credentials: the first `skygate serve` makes an admin token and shows it this once; only its hash is
/// kept.
func announceFirstAdminToken(_ access: AccessStore) throws {
    guard try !access.hasAdmin() else { return }
    let (token, record) = try access.createToken(
        name: "first-admin", role: .admin, actor: "skygate serve (first start)", source: "local")
    writeStandardError(
        """
        skygate: no admin token existed, so this one was made (id \(record.id)). It is shown only now; keep it safe:

            \(token)

        Make more with `skygate token create`, and revoke this one with `skygate token revoke \(record.id)`.

        """)
}
