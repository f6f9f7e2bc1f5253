import Foundation

/// The media the tests use, each described by how the ffmpeg CLI makes it.
public enum Fixtures {
    public enum Codec: String, CaseIterable, Sendable { case h264, hevc }
    public enum Container: String, CaseIterable, Sendable { case mp4, ts }
    /// Fixed GOPs of 25 and 50 frames, or keyframes only at scene cuts at irregular times.
    public enum GOP: String, CaseIterable, Sendable { case fixed25, fixed50, sceneCuts }

    /// One file of the keyframe-listing matrix.
    public struct KeyframeCase: Sendable, CustomStringConvertible {
        public var codec: Codec
        public var container: Container
        public var gop: GOP
        public init(codec: Codec, container: Container, gop: GOP) {
            self.codec = codec
            self.container = container
            self.gop = gop
        }
        public var description: String { "\(codec.rawValue) \(gop.rawValue) .\(container.rawValue)" }
    }

    /// Every combination of codec, container and GOP structure.
    public static let keyframeCases: [KeyframeCase] = Codec.allCases.flatMap { codec in
        Container.allCases.flatMap { container in GOP.allCases.map { KeyframeCase(codec: codec, container: container, gop: $0) } }
    }

    /// Eight seconds of moving test pattern with temporal noise, like a camera.
    static let movingPattern = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25,noise=alls=10:allf=t+u", "-t", "8"]

    /// Six scenes of different sources with irregular lengths (1.3, 2.2, 0.9, 1.7, 1.1, 1.6 s), for scene-cut keyframes.
    /// Every scene has texture: a flat or purely ramped picture gives any difference hash nothing to tell apart.
    static let sceneCutSource: [String] = {
        let scenes = [
            ("testsrc2", 1.3), ("mandelbrot", 2.2), ("smptehdbars", 0.9), ("life=mold=10:ratio=0.5:death_color=#C83232", 1.7),
            ("sierpinski", 1.1), ("testsrc", 1.6),
        ]
        var arguments: [String] = []
        var graph = ""
        for (index, (source, seconds)) in scenes.enumerated() {
            let separator = source.contains("=") ? ":" : "="
            arguments += ["-f", "lavfi", "-i", "\(source)\(separator)size=320x240:rate=25"]
            graph += "[\(index):v]trim=duration=\(seconds),setpts=PTS-STARTPTS,format=yuv420p,setsar=1[s\(index)];"
        }
        graph += (0..<scenes.count).map { "[s\($0)]" }.joined() + "concat=n=\(scenes.count):v=1:a=0[out]"
        return arguments + ["-filter_complex", graph, "-map", "[out]"]
    }()

    static func encoder(_ codec: Codec, gop: GOP) -> [String] {
        switch (codec, gop) {
        case (.h264, .fixed25): return ["-c:v", "libx264", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0"]
        case (.h264, .fixed50): return ["-c:v", "libx264", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0"]
        case (.h264, .sceneCuts): return ["-c:v", "libx264", "-g", "250", "-keyint_min", "5"]
        case (.hevc, .fixed25): return ["-c:v", "libx265", "-x265-params", "log-level=error:keyint=25:min-keyint=25:scenecut=0"]
        case (.hevc, .fixed50): return ["-c:v", "libx265", "-x265-params", "log-level=error:keyint=50:min-keyint=50:scenecut=0"]
        case (.hevc, .sceneCuts): return ["-c:v", "libx265", "-x265-params", "log-level=error:keyint=250:min-keyint=5"]
        }
    }

    /// The file of one keyframe case.
    public static func file(_ testCase: KeyframeCase) throws -> String {
        let source = testCase.gop == .sceneCuts ? sceneCutSource : movingPattern
        var recipe = source + encoder(testCase.codec, gop: testCase.gop) + ["-pix_fmt", "yuv420p"]
        if testCase.container == .ts { recipe += ["-f", "mpegts"] }
        return try MediaCorpus.file("\(testCase.codec)-\(testCase.gop)", recipe, extension: testCase.container.rawValue)
    }

    /// The scene-cut clip in H.264/MP4: keyframes of different pictures at irregular times.
    public static func sceneCutClip() throws -> String {
        try file(KeyframeCase(codec: .h264, container: .mp4, gop: .sceneCuts))
    }

    /// A clip whose keyframes are a blurred copy of one still picture; radius 0 is the unblurred picture.
    public static func blurClip(radius: Int) throws -> String {
        let blur = radius == 0 ? "null" : "boxblur=luma_radius=\(radius):luma_power=1:chroma_radius=0"
        return try MediaCorpus.file(
            "blur\(radius)",
            [
                "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=25,trim=end_frame=1,loop=loop=49:size=1:start=0,\(blur)",
                "-c:v", "libx264", "-crf", "10", "-g", "25", "-pix_fmt", "yuv420p",
            ],
            extension: "mp4")
    }

    /// A still picture encoded losslessly with a keyframe every 10 frames: every keyframe decodes to the same pixels.
    public static func identicalKeyframesClip() throws -> String {
        try MediaCorpus.file(
            "still-lossless",
            [
                "-f", "lavfi", "-i", "mandelbrot=size=320x240:rate=25,trim=end_frame=1,loop=loop=59:size=1:start=0",
                "-c:v", "libx264", "-qp", "0", "-g", "10", "-keyint_min", "10", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
            ],
            extension: "mp4")
    }

    /// The same moving picture (without noise) at a given bitrate, GOP 25.
    public static func bitrateClip(kilobits: Int) throws -> String {
        try MediaCorpus.file(
            "bitrate\(kilobits)k",
            [
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "4", "-c:v", "libx264", "-b:v", "\(kilobits)k",
                "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
            ],
            extension: "mp4")
    }

    /// Pictures of different brightness and colour cast: a dark, a bright and a bluish scene, in that order.
    public static func toneClip() throws -> String {
        let scene = "testsrc2=size=320x240:rate=25:duration=2,noise=alls=6:allf=t,format=yuv420p"
        return try MediaCorpus.file(
            "tones",
            [
                "-f", "lavfi", "-i", scene, "-f", "lavfi", "-i", scene, "-f", "lavfi", "-i", scene,
                "-filter_complex",
                "[0:v]eq=brightness=-0.35[a];[1:v]eq=brightness=0.3[b];[2:v]lutyuv=u='clip(val+24,16,240)':v='clip(val-8,16,240)'[c];[a][b][c]concat=n=3:v=1:a=0[out]",
                "-map", "[out]", "-c:v", "libx264", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
            ],
            extension: "mp4")
    }

    /// A 10-bit HEVC clip, which keyframe statistics refuse.
    public static func tenBitClip() throws -> String {
        try MediaCorpus.file(
            "hevc-10bit",
            [
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "2", "-c:v", "libx265", "-x265-params",
                "log-level=error",
                "-pix_fmt", "yuv420p10le",
            ],
            extension: "mp4")
    }

    /// An audio-only file.
    public static func audioOnlyClip() throws -> String {
        try MediaCorpus.file(
            "audio-only", ["-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac"], extension: "m4a")
    }
}

extension Fixtures {
    /// The kinds of fault clip `tools/make-media fault` makes, and the event each must give.
    public static let faultClips: [(clip: String, kind: String)] = [
        ("frozen", "frozen"), ("black", "too_dark"), ("blur", "blur"), ("occlusion", "occlusion"),
        ("colour-cast", "colour_cast"), ("moved", "camera_moved"), ("dark", "too_dark"), ("fog", "low_contrast"),
        ("noise", "noise"), ("stripes", "stripes"), ("blue-screen", "signal_loss"), ("black-screen", "signal_loss"),
        ("corrupt", "corruption"),
    ]

    /// A clip of `tools/make-media fault KIND` (or `normal` for the fault-free clip), made on first use and cached
    /// under the script's own hash, so a changed recipe makes new files.
    public static func makeMediaClip(_ kind: String, seconds: Int? = nil) throws -> String {
        let script = MediaCorpus.packageRoot.appendingPathComponent("tools/make-media").path
        let recipe = try String(contentsOfFile: script, encoding: .utf8)
        let arguments = kind == "normal" ? ["normal"] : ["fault", kind]
        return try MediaCorpus.cached(
            "\(kind)\(seconds.map { "-\($0)s" } ?? "")", key: recipe + "\u{1F}" + String(seconds ?? 0), extension: "mp4"
        ) { output in
            let tail = kind == "normal" ? [output] + (seconds.map { [String($0)] } ?? []) : [output]
            try ProcessRunner.check(script, arguments + tail)
        }
    }
}
