import ArgumentParser
import Logging
import MediaIO

/// `--log-level`: how much Skygate and FFmpeg say on standard error.
struct LoggingOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Log messages at this level and above to standard error: trace, debug, info, warning, error, critical. "
                + "One-shot commands are quiet by default; a failure is always reported in one line.",
            valueName: "level"))
    var logLevel: String = "critical"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, warning, error, critical")
        }
    }

    /// Installs the standard-error log handler and routes FFmpeg's messages through it.
    func bootstrap() {
        let level = Logger.Level(rawValue: logLevel) ?? .critical
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "skygate.ffmpeg")
        logger.logLevel = level
        FFmpegLog.route(to: logger)
    }
}
