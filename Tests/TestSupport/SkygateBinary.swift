import Foundation

/// The built `skygate` executable, run as a user would run it.
public enum SkygateBinary {
    /// The executable beside the test bundle (`swift build` puts both in the same directory).
    public static let path: String = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "skygate"
        ).path
        if FileManager.default.isExecutableFile(atPath: besideTests) { return besideTests }
        return MediaCorpus.packageRoot.appendingPathComponent(".build/debug/skygate").path
    }()

    /// Runs `skygate` with `arguments` in `directory`.
    public static func run(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(path, arguments)
    }
}
