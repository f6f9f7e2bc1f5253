import ArgumentParser
import MediaIO

/// Options for opening an input, shared by `probe` and `index`.
struct StreamOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Seconds allowed to open the input and identify its streams.", valueName: "s"))
    var openTimeout: Double = 10

    @Option(help: ArgumentHelp("Seconds allowed for any one read before the stream counts as stalled.", valueName: "s"))
    var readTimeout: Double = 10

    @Option(help: ArgumentHelp("RTSP transport: tcp (default: no smearing from packet loss) or udp.", valueName: "tcp|udp"))
    var rtspTransport: String = "tcp"

    func validate() throws {
        guard openTimeout > 0, readTimeout > 0 else { throw ValidationError("timeouts must be positive numbers of seconds") }
        guard ["tcp", "udp"].contains(rtspTransport) else { throw ValidationError("--rtsp-transport must be tcp or udp") }
    }

    var demuxOptions: DemuxOptions {
        var options = DemuxOptions()
        options.openTimeout = openTimeout
        options.readTimeout = readTimeout
        options.rtspTransport = rtspTransport
        return options
    }
}
