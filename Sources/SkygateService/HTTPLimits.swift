/// Bounds on what HTTP clients can hold of the process: without them, 1,100 half-sent requests took every file
/// descriptor (soft limit 1,024), new clients got nothing and segment opens failed with "Too many open files".
public struct HTTPLimits: Sendable, Equatable {
    /// Connections open at once; past it the server stops accepting (new ones wait in the kernel's backlog, holding
    /// no descriptor of the process) until one closes.
    public var maximumConnections: Int
    /// Seconds a connection may go without a complete request part (a request head, a body chunk) or, between
    /// requests, without a new one: a half-sent or idle connection is closed after it. A response being written (a
    /// clip, an event stream) is not idle.
    public var idleTimeout: Double

    public init(maximumConnections: Int = 4096, idleTimeout: Double = 10) {
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
    }

    /// These limits within a process allowed `descriptorLimit` open files: HTTP connections may use at most half of
    /// them, so recording (sockets, segments, databases) always keeps the other half.
    public func within(descriptorLimit: Int) -> HTTPLimits {
        var limits = self
        limits.maximumConnections = max(1, min(maximumConnections, descriptorLimit / 2))
        return limits
    }
}
