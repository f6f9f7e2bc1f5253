import Archive
import ArgumentParser
import Foundation
import MediaIO

#if canImport(Glibc)
    import Glibc
#endif

/// `skygate index`: list an input's keyframes into the index, with their image statistics.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index the keyframes of a file or stream, with image statistics for quality diagnosis.",
        discussion: """
            Reads the input's keyframes without decoding any other frame (MP4 files are not even read between \
            keyframes), decodes each keyframe and measures brightness, contrast, sharpness, edges, colour and a \
            perceptual hash, and writes one row per keyframe. Indexing the same input again replaces its rows. \
            A failed run leaves nothing of itself in the index.
            """)

    @Argument(help: ArgumentHelp("File path or stream URL (see 'skygate probe --help').", valueName: "input"))
    var input: String

    @OptionGroup var location: DataLocation
    @OptionGroup var stream: StreamOptions

    @Flag(name: .customLong("no-analyze"), help: "List keyframes only; decode nothing.")
    var noAnalyze = false

    @Option(
        help: ArgumentHelp(
            "Decoder threads; 0 = one per core. More than one decodes faster, but FFmpeg then does not say reliably "
                + "which keyframes it concealed damage in, so picture corruption is not judged.", valueName: "n"))
    var decoderThreads: Int = 1

    @OptionGroup var logging: LoggingOptions

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        guard (0...64).contains(decoderThreads) else { throw ValidationError("--decoder-threads must be 0…64") }
    }

    func run() throws {
        logging.bootstrap()
        try reportingFailures {
            let store = try ArchiveDatabase(path: location.indexPath)
            var options = ScanOptions()
            options.demux = stream.demuxOptions
            options.analyze = !noAnalyze
            options.decoderThreads = decoderThreads
            let progress = ProgressLine(enabled: isatty(STDERR_FILENO) == 1)
            let summary = try FileIndexer(store: store).index(MediaSource(argument: input), options: options) { update in
                progress.show(update)
            }
            progress.finish()
            if json {
                try printJSON(summary)
            } else {
                printSummary(summary)
            }
        }
    }

    private func printSummary(_ summary: IndexSummary) {
        let media = summary.media
        let video = media.videoStream
        let scan = summary.scan
        print("indexed    \(media.source)")
        var videoLine = "\(video.codec)"
        if let width = video.width, let height = video.height { videoLine += " \(width)x\(height)" }
        if let rate = video.frameRate { videoLine += " \(fixed(rate, 2)) fps" }
        if let pixelFormat = video.pixelFormat { videoLine += " \(pixelFormat)" }
        print(
            "video      \(videoLine)   format \(media.format)"
                + (media.duration.map { "   duration \(formatStreamTime($0))" } ?? ""))
        var keyframes = "\(scan.keyframes)"
        if summary.source.analyzed { keyframes += " (analysed \(scan.analyzed), undecodable \(scan.undecodable))" }
        if let duration = media.duration, scan.keyframes > 1 {
            keyframes += ", one every \(fixed(duration / Double(scan.keyframes), 2)) s on average"
        }
        print("keyframes  \(keyframes)")
        let speed = media.duration.map { summary.elapsed > 0 ? "  (\(fixed($0 / summary.elapsed, 1))× real time)" : "" } ?? ""
        print("took       \(fixed(summary.elapsed, 2)) s\(speed)")
        print("index      \(location.indexPath)")
    }
}

/// A progress line on standard error, redrawn at most ten times a second, only on a terminal.
final class ProgressLine {
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ progress: IndexProgress) {
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = Date()
        var text = "\rindexing  \(formatStreamTime(progress.position))"
        if let duration = progress.duration, duration > 0 {
            text += " / \(formatStreamTime(duration))  \(Int(min(100, progress.position / duration * 100)))%"
        }
        text += "  \(progress.keyframes) keyframes   "
        writeStandardError(text)
        drawn = true
    }

    func finish() {
        if drawn { writeStandardError("\r\u{1B}[K") }
    }
}
