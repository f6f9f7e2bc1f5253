import Foundation

/// A process whose wall clock runs ahead of (or behind) this machine's, as a camera's or device's clock that was never
/// set: libfaketime, which `tools/setup` installs (Debian's `faketime`), preloaded into it.
public enum FakeClock {
    /// libfaketime, as Debian's `faketime` package installs it for this machine's architecture.
    static let library = "/usr/lib/\(machineTriple)/faketime/libfaketime.so.1"
    #if arch(arm64)
        private static let machineTriple = "aarch64-linux-gnu"
    #else
        private static let machineTriple = "x86_64-linux-gnu"
    #endif

    /// This process's environment, with the wall clock of a child started with it `seconds` ahead (negative: behind).
    /// Only the wall clock: timers on the monotonic clock (GStreamer's, SIPp's retransmissions) stay true.
    /// - Throws: when libfaketime is missing (a preload the loader cannot find is ignored in silence, and the child's
    ///   clock would be this machine's).
    public static func environment(aheadBy seconds: Int) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: library) else {
            throw TestSupportError("\(library) is missing: tools/setup installs faketime")
        }
        var environment = ProcessInfo.processInfo.environment
        // After any preload already there (a sanitiser's runtime), not in its place.
        environment["LD_PRELOAD"] = (environment["LD_PRELOAD"].map { $0 + ":" } ?? "") + library
        environment["FAKETIME"] = "\(seconds >= 0 ? "+" : "")\(seconds)s"
        environment["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        return environment
    }
}
