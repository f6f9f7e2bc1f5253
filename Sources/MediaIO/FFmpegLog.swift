internal import CFFmpeg
internal import CShim
public import Logging
import Redaction
import Synchronization

/// Routes FFmpeg's own log messages into swift-log, so they follow the process's logging configuration instead of
/// going to standard error unasked.
public enum FFmpegLog {
    private static let destination = Mutex<(logger: Logger, ceiling: Logger.Level)?>(nil)

    /// Sends FFmpeg's messages to `logger` (FFmpeg errors as `.error`, warnings as `.warning`, and so on, but never
    /// above `ceiling`), and tells FFmpeg not to format messages the logger would drop. Call once at start-up.
    ///
    /// The service passes a ceiling of `.debug`: every failure FFmpeg reports there (a refused connection, each
    /// reconnect attempt) is already reported once as the camera's health, and FFmpeg's lines are detail.
    public static func route(to logger: Logger, ceiling: Logger.Level = .critical) {
        destination.withLock { $0 = (logger, ceiling) }
        CShim_set_ffmpeg_log_sink(forward, ceiling < logger.logLevel ? AV_LOG_QUIET : avLevel(for: logger.logLevel))
        // RTP gap reports go to the loss ledger whatever the level; installed now, while no input logs yet.
        _ = RTPLossLedger.receiverInstalled
    }

    private static let forward: @convention(c) (Int32, UnsafePointer<CChar>?) -> Void = { level, text in
        guard let text, let (logger, ceiling) = destination.withLock({ $0 }) else { return }
        var line = String(cString: text)
        while let last = line.last, last == "\n" || last == "\r" { line.removeLast() }
        guard !line.isEmpty else { return }
        // FFmpeg echoes URLs in its messages; camera credentials must never reach a log.
        logger.log(
            level: min(FFmpegLog.level(for: level), ceiling), "\(URLRedaction.redacting(inText: line))",
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
