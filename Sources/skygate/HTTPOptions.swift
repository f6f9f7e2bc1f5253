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

    func validate() throws {
        if http != "off", HTTPAddress(parsing: http) == nil {
            throw ValidationError("--http '\(http)': expected HOST:PORT, e.g. 127.0.0.1:8080")
        }
        guard httpMaxConnections >= 1 else { throw ValidationError("--http-max-connections must be at least 1") }
        guard httpIdleTimeout > 0, httpIdleTimeout.isFinite else {
            throw ValidationError("--http-idle-timeout must be a positive number of seconds")
        }
    }

    /// The address to listen on; nil for `--http off`.
    var address: HTTPAddress? { http == "off" ? nil : HTTPAddress(parsing: http) }

    var limits: HTTPLimits { HTTPLimits(maximumConnections: httpMaxConnections, idleTimeout: httpIdleTimeout) }
}
