import ArgumentParser
import MediaIO

/// `skygate probe`: what an input holds, and how far apart its keyframes are.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show the streams, codecs, resolution and GOP of a file or camera stream.",
        discussion: """
            INPUT is a local path or a camera URL (rtsp, rtsps, rtmp, rtmps, http, https, srt, udp). Other URL \
            schemes (file:, concat:, data:, pipe:, …) are refused; give a local file as a path. The GOP is \
            estimated from the first keyframe intervals without decoding.
            """)

    @Argument(help: ArgumentHelp("File path or stream URL.", valueName: "input"))
    var input: String

    @OptionGroup var stream: StreamOptions

    @OptionGroup var logging: LoggingOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        logging.bootstrap()
        try reportingFailures {
            let report = try MediaProbe.probe(MediaSource(argument: input), options: stream.demuxOptions)
            if json {
                try printJSON(report)
                return
            }
            let media = report.media
            print("input     \(media.source)")
            print(
                "format    \(media.format)" + (media.duration.map { "   duration \(formatStreamTime($0))" } ?? "")
                    + (media.bitRate.map { "   \($0 / 1000) kb/s" } ?? ""))
            for stream in media.streams {
                let marker = stream.index == media.videoStreamIndex ? "*" : " "
                var parts = ["#\(stream.index)\(marker) \(stream.kind)", stream.codec]
                if let profile = stream.profile { parts.append("(\(profile))") }
                if let width = stream.width, let height = stream.height { parts.append("\(width)x\(height)") }
                if let pixelFormat = stream.pixelFormat { parts.append(pixelFormat) }
                if let rate = stream.frameRate { parts.append(fixed(rate, 2) + " fps") }
                if let sampleRate = stream.sampleRate { parts.append("\(sampleRate) Hz") }
                if let channels = stream.channels { parts.append("\(channels) ch") }
                if let bitRate = stream.bitRate { parts.append("\(bitRate / 1000) kb/s") }
                print("stream    " + parts.joined(separator: " "))
            }
            if let gop = report.gop {
                let kind = gop.isFixed ? "fixed" : "variable (scene cuts or irregular)"
                print("gop       \(gop.frames) frames, \(fixed(gop.seconds, 2)) s, \(kind), from \(gop.intervalsSeen) intervals")
            } else {
                print("gop       unknown (fewer than two keyframes in the probed packets)")
            }
        }
    }
}
