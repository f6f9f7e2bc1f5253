import ArgumentParser
import Logging
import MediaIO

/// `--log-level`: how much Skygate and FFmpeg say on standard error.
struct LoggingOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Log messages at this level and above to standard error: trace, debug, info, warning, error, critical. "
                + "One-shot commands are quiet by default (critical), the service says what it does (info); "
                + "a failure is always reported in one line.",
            valueName: "level"))
    var logLevel: String?

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, warning, error, critical")
        }
    }

    /// Installs the standard-error log handler and routes FFmpeg's messages through it.
    /// - Parameter ffmpegCeiling: the highest level FFmpeg's own messages are logged at.
    func bootstrap(defaultLevel: Logger.Level = .critical, ffmpegCeiling: Logger.Level = .critical) {
        let level = logLevel.flatMap { Logger.Level(rawValue: $0) } ?? defaultLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "skygate.ffmpeg")
        logger.logLevel = level
        FFmpegLog.route(to: logger, ceiling: ffmpegCeiling)
    }
}
