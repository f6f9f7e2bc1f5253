internal import CFFmpeg
import Logging
import Synchronization

/// Routes FFmpeg's own log messages into swift-log, so they follow the process's logging configuration instead of
/// going to standard error unasked.
public enum FFmpegLog {
    private static let destination = Mutex<Logger?>(nil)

    /// Sends FFmpeg's messages to `logger` (FFmpeg errors as `.error`, warnings as `.warning`, and so on), and tells
    /// FFmpeg not to format messages the logger would drop. Call once at start-up.
    public static func route(to logger: Logger) {
        destination.withLock { $0 = logger }
        CFFmpeg_set_log_sink(forward, avLevel(for: logger.logLevel))
    }

    private static let forward: @convention(c) (Int32, UnsafePointer<CChar>?) -> Void = { level, text in
        guard let text, let logger = destination.withLock({ $0 }) else { return }
        var line = String(cString: text)
        while let last = line.last, last == "\n" || last == "\r" { line.removeLast() }
        guard !line.isEmpty else { return }
        // FFmpeg echoes URLs in its messages; camera credentials must never reach a log.
        logger.log(
            level: FFmpegLog.level(for: level), "\(URLPolicy.redactingCredentials(inText: line))",
            metadata: ["component": "ffmpeg"])
    }

    private static func level(for avLevel: Int32) -> Logger.Level {
        switch avLevel {
        case ...AV_LOG_ERROR: .error
        case ...AV_LOG_WARNING: .warning
        case ...AV_LOG_INFO: .info
        case ...AV_LOG_DEBUG: .debug
        default: .trace
        }
    }

    private static func avLevel(for level: Logger.Level) -> Int32 {
        switch level {
        case .trace: AV_LOG_TRACE
        case .debug: AV_LOG_DEBUG
        case .info, .notice: AV_LOG_INFO
        case .warning: AV_LOG_WARNING
        case .error: AV_LOG_ERROR
        case .critical: AV_LOG_QUIET
        }
    }
}
