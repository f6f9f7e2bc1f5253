import Foundation
import Redaction

/// Where media comes from: a local file the caller named explicitly, or a camera URL.
///
/// The distinction is a security boundary. A local file is opened only through `.file`, with FFmpeg's `file`
/// protocol and nothing else; a `.url` never reaches local files, whatever its text says.
public enum MediaSource: Sendable, Hashable, CustomStringConvertible {
    /// A path on this machine.
    case file(path: String)
    /// A network stream URL (rtsp, rtmp, http(s), srt, udp, …), subject to `URLPolicy`.
    case url(String)

    /// Interprets a command-line argument: text that starts with a URL scheme (`name:`) is a URL, anything
    /// else is a path. `./concat:x` or an absolute path opens a local file whose name merely contains a colon.
    public init(argument: String) {
        if URLPolicy.scheme(of: argument) != nil {
            self = .url(argument)
        } else {
            self = .file(path: argument)
        }
    }

    /// The source as it is stored and looked up: a file's absolute, standardised path, or the URL with credentials
    /// replaced by `***`. The same file gives the same locator from any working directory.
    public var locator: String {
        switch self {
        case .file(let path):
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            return URL(fileURLWithPath: absolute).standardizedFileURL.path
        case .url: return redacted
        }
    }

    /// The source as it may be shown: credentials in a URL are replaced by `***`.
    public var redacted: String {
        switch self {
        case .file(let path): return path
        case .url(let url): return URLRedaction.redacting(url)
        }
    }

    public var description: String { redacted }
}
