import Archive
import ArgumentParser
import Foundation
import MediaIO

/// `skygate keyframes`: query the index.
struct KeyframesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyframes",
        abstract: "List keyframes in a time range, with their statistics: a camera's recording, or indexed files.",
        discussion: """
            With a camera ID: the keyframes `skygate serve` recorded, with the segment and byte offset of each; \
            times are wall-clock: \(wallTimeHelp). Without one: keyframes of indexed files (`skygate index`); times \
            are stream seconds (93.5) or [[H:]MM:]SS[.fff] (1:33.5), and without --source every source is listed.
            """)

    @Argument(help: "A camera ID, for its recorded keyframes.") var camera: String?

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
        if camera != nil {
            if source != nil { throw ValidationError("give a camera or --source, not both") }
            for (name, value) in [("--from", from), ("--to", to)] {
                if let value, parseWallTime(value) == nil {
                    throw ValidationError("\(name) '\(value)': expected \(wallTimeHelp)")
                }
            }
            return
        }
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, parseStreamTime(value) == nil {
                throw ValidationError("\(name) '\(value)': expected seconds (93.5) or [[H:]MM:]SS[.fff] (1:33.5)")
            }
        }
    }

    func run() throws {
        logging.bootstrap()
        try reportingFailures {
            let store = try ArchiveDatabase(path: location.indexPath)
            if let camera {
                try listRecorded(camera: camera, index: RecordingIndex(store: store))
                return
            }
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

    private func listRecorded(camera: String, index: RecordingIndex) throws {
        let keyframes = try index.keyframes(
            camera: camera, from: from.flatMap { parseWallTime($0) } ?? .distantPast,
            to: to.flatMap { parseWallTime($0) } ?? .distantFuture)
        if json {
            try printJSON(keyframes)
            return
        }
        if keyframes.isEmpty {
            print("no recorded keyframes of camera \(camera) in that range")
            return
        }
        printTable(
            header: ["time", "segment", "byte", "size", "luma", "sd", "sharp", "edges", "U", "V", "hash"],
            rows: keyframes.map { keyframe in
                [
                    TimeText.format(keyframe.wallClock), (keyframe.segment as NSString).lastPathComponent,
                    "\(keyframe.byteOffset)", "\(keyframe.size)",
                ] + statsCells(keyframe.stats)
            },
            rightAligned: Set(2...9))
    }

    private func statsCells(_ stats: FrameStats?) -> [String] {
        guard let stats else { return Array(repeating: "-", count: 7) }
        let hash = String(stats.perceptualHash, radix: 16)
        return [
            fixed(stats.meanLuma, 1), fixed(stats.lumaStdDev, 1), fixed(stats.sharpness, 0), fixed(stats.edgeDensity, 3),
            fixed(stats.meanU, 1), fixed(stats.meanV, 1), String(repeating: "0", count: 16 - hash.count) + hash,
        ]
    }

    private func row(_ keyframe: IndexedKeyframe) -> [String] {
        let base = [
            "\(keyframe.sequence)", formatStreamTime(keyframe.seconds), keyframe.pts.map(String.init) ?? "-",
            keyframe.position.map(String.init) ?? "-", "\(keyframe.size)",
        ]
        return base + statsCells(keyframe.stats)
    }
}

/// JSON shape of `keyframes --json`: each source with its keyframes.
private struct SourceKeyframes: Encodable {
    var source: IndexedSource
    var keyframes: [IndexedKeyframe]
}
