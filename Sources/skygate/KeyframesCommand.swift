import Archive
import ArgumentParser
import MediaIO

/// `skygate keyframes`: query the index.
struct KeyframesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyframes",
        abstract: "List indexed keyframes in a time range, with their statistics.",
        discussion: """
            Times are stream seconds (93.5) or [[H:]MM:]SS[.fff] (1:33.5). Without --source, every indexed source \
            is listed.
            """)

    @OptionGroup var location: DataLocation

    @Option(help: ArgumentHelp("Only this source: its path or URL as indexed.", valueName: "input"))
    var source: String?

    @Option(help: ArgumentHelp("Earliest keyframe time.", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("Latest keyframe time.", valueName: "time"))
    var to: String?

    @OptionGroup var logging: LoggingOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, parseStreamTime(value) == nil {
                throw ValidationError("\(name) '\(value)': expected seconds (93.5) or [[H:]MM:]SS[.fff] (1:33.5)")
            }
        }
    }

    func run() throws {
        logging.bootstrap()
        try reportingFailures {
            let store = try KeyframeIndexStore(path: location.indexPath)
            let sources = try store.sources()
            var selected = sources
            if let source {
                let locator = MediaSource(argument: source).locator
                selected = sources.filter { $0.locator == locator }
                guard !selected.isEmpty else {
                    throw CLIError(message: "no indexed source '\(locator)' in \(location.indexPath)", status: 66)
                }
            }
            let start = from.flatMap(parseStreamTime)
            let end = to.flatMap(parseStreamTime)
            var results: [(IndexedSource, [IndexedKeyframe])] = []
            for indexed in selected {
                results.append((indexed, try store.keyframes(sourceID: indexed.id, from: start, to: end)))
            }
            if json {
                try printJSON(results.map { SourceKeyframes(source: $0.0, keyframes: $0.1) })
                return
            }
            if results.isEmpty { print("no sources indexed in \(location.indexPath)") }
            for (index, (indexed, keyframes)) in results.enumerated() {
                if index > 0 { print("") }
                print(
                    "\(indexed.locator)  (\(indexed.codec), \(keyframes.count) of \(indexed.keyframeCount) keyframes, \(indexed.state))"
                )
                printTable(
                    header: ["#", "time", "pts", "byte", "size", "luma", "sd", "sharp", "edges", "U", "V", "hash"],
                    rows: keyframes.map(row),
                    rightAligned: Set(0...10))
            }
        }
    }

    private func row(_ keyframe: IndexedKeyframe) -> [String] {
        let base = [
            "\(keyframe.sequence)", formatStreamTime(keyframe.seconds), keyframe.pts.map(String.init) ?? "-",
            keyframe.position.map(String.init) ?? "-", "\(keyframe.size)",
        ]
        guard let stats = keyframe.stats else { return base + Array(repeating: "-", count: 7) }
        let hash = String(stats.perceptualHash, radix: 16)
        return base + [
            fixed(stats.meanLuma, 1), fixed(stats.lumaStdDev, 1), fixed(stats.sharpness, 0), fixed(stats.edgeDensity, 3),
            fixed(stats.meanU, 1), fixed(stats.meanV, 1), String(repeating: "0", count: 16 - hash.count) + hash,
        ]
    }
}

/// JSON shape of `keyframes --json`: each source with its keyframes.
private struct SourceKeyframes: Encodable {
    var source: IndexedSource
    var keyframes: [IndexedKeyframe]
}
