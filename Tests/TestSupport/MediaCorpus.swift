import Foundation

/// Test media made with the ffmpeg CLI, cached by recipe under `.build/test-media` so reruns are fast.
///
/// A recipe is the ffmpeg arguments between `ffmpeg -y` and the output path; the file name is a hash of them, so
/// changing a recipe makes a new file.
public enum MediaCorpus {
    /// The directory holding generated media.
    public static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment["SKYGATE_TEST_MEDIA"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.appendingPathComponent(".build/test-media")
    }()

    /// The package's root directory, found from this source file's location.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The path of the file `recipe` makes, generating it on first use.
    public static func file(_ name: String, _ recipe: [String], extension fileExtension: String) throws -> String {
        try cached(name, key: (recipe + [fileExtension]).joined(separator: "\u{1F}"), extension: fileExtension) { output in
            try ProcessRunner.check("ffmpeg", ["-nostdin", "-hide_banner", "-v", "error", "-y"] + recipe + [output])
        }
    }

    /// The path of a file named after `name` and a hash of `key`, made by `make(temporaryPath)` on first use.
    public static func cached(
        _ name: String, key: String, extension fileExtension: String, make: (String) throws -> Void
    ) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("\(name)-\(String(fnv1a(key), radix: 16)).\(fileExtension)").path
        if FileManager.default.fileExists(atPath: path) { return path }
        // Write under a unique temporary name, then rename: concurrent tests never see half a file.
        let temporary = path + ".\(UUID().uuidString).\(fileExtension)"
        try make(temporary)
        if rename(temporary, path) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
        return path
    }

    private static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
