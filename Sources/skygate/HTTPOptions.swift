import ArgumentParser
import SkygateService

/// Where `skygate serve` listens for HTTP, and what clients may hold of it.
struct HTTPOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Where the HTTP API and dashboard listen, HOST:PORT (port 0 picks a free one; 'off' serves no HTTP).",
            valueName: "host:port"))
    var http: String = "127.0.0.1:8080"

    @Option(
        help: ArgumentHelp(
            "HTTP connections open at once, at most (capped at half the process's descriptor limit, so recording "
                + "always keeps the rest); further clients wait to be accepted.",
            valueName: "n"))
    var httpMaxConnections: Int = HTTPLimits().maximumConnections

    @Option(
        help: ArgumentHelp(
            "Seconds an HTTP connection may send no complete request head or body chunk, or sit idle between requests, "
                + "before it is closed (responses being written, such as event streams, are not idle).",
            valueName: "seconds"))
    var httpIdleTimeout: Double = HTTPLimits().idleTimeout

    @Option(
        help: ArgumentHelp(
            "Clip exports (GET /api/cameras/{id}/clip) running at once, at most; more are refused with 429. Default: 2.",
            valueName: "n"))
    var clipExports: Int?

    @Option(
        help: ArgumentHelp(
            "Free space, in GiB, that a clip export must leave on the recording filesystem (clips are written there "
                + "before they are sent); one that would leave less is refused with 507. Default: 2 GiB or 5 % of the "
                + "filesystem, whichever is larger.",
            valueName: "GiB"))
    var clipReserve: Double?

    func validate() throws {
        if http != "off", HTTPAddress(parsing: http) == nil {
            throw ValidationError("--http '\(http)': expected HOST:PORT, e.g. 127.0.0.1:8080")
        }
        guard httpMaxConnections >= 1 else { throw ValidationError("--http-max-connections must be at least 1") }
        guard httpIdleTimeout > 0, httpIdleTimeout.isFinite else {
            throw ValidationError("--http-idle-timeout must be a positive number of seconds")
        }
        if let clipExports, clipExports < 1 { throw ValidationError("--clip-exports must be at least 1") }
        if let clipReserve, !(clipReserve >= 0 && clipReserve < 1_048_576) {
            throw ValidationError("--clip-reserve must be a number of GiB, 0 or more")
        }
    }

    /// The address to listen on; nil for `--http off`.
    var address: HTTPAddress? { http == "off" ? nil : HTTPAddress(parsing: http) }

    var limits: HTTPLimits { HTTPLimits(maximumConnections: httpMaxConnections, idleTimeout: httpIdleTimeout) }

    /// Sets the HTTP address, limits and clip limits of `configuration`.
    func apply(to configuration: inout SkygateConfiguration) {
        configuration.http = address
        configuration.httpLimits = limits
        configuration.limitClipExports(concurrent: clipExports, reservingGiB: clipReserve)
    }
}
