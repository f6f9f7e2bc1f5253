import Foundation
import TestSupport
import Testing

@testable import GB28181

@Suite("GB/T 28181 media session: SSRC, SDP, program stream map")
struct MediaSessionTests {
    @Test("the SSRC rule: 0 for live, the domain's characters 4–8, a four-digit sequence")
    func ssrcRule() {
        #expect(GBSSRC(playback: false, domain: "3402000000", sequence: 7).text == "0200000007")
        #expect(GBSSRC(playback: true, domain: "4401061234", sequence: 12_345).text == "1106122345")
        #expect(GBSSRC(answer: "0200000007")?.value == 200_000_007)
        #expect(GBSSRC(answer: "200000007")?.text == "0200000007", "an answer that drops the leading zero")
        #expect(GBSSRC(answer: "x12") == nil && GBSSRC(answer: "99999999999") == nil)
    }

    @Test("the live offer: s=Play, recvonly, PS/90000 as 96, y= with the SSRC; TCP passive when asked")
    func offer() {
        let ssrc = GBSSRC(playback: false, domain: "3402000000", sequence: 1)
        let udp = GBSessionDescription.offer(
            serverID: "34020000002000000001", address: "127.0.0.1", port: 30_000, transport: .udp, ssrc: ssrc)
        for line in ["s=Play", "m=video 30000 RTP/AVP 96", "a=recvonly", "a=rtpmap:96 PS/90000", "y=0200000001"] {
            #expect(udp.contains(line + "\r\n"), "\(line) in \(udp)")
        }
        let tcp = GBSessionDescription.offer(
            serverID: "34020000002000000001", address: "127.0.0.1", port: 30_000, transport: .tcpPassive, ssrc: ssrc)
        #expect(tcp.contains("m=video 30000 TCP/RTP/AVP 96\r\n") && tcp.contains("a=setup:passive\r\n"))
    }

    @Test("sloppy answers are read: LF line ends, a=setup:active on UDP, a zero-padded y=, extra payload types")
    func answers() throws {
        let text =
            "v=0\no=34020000001320000001 0 0 IN IP4 192.0.2.7\ns=Play\nc=IN IP4 192.0.2.7\nt=0 0\n"
            + "m=video 15060 RTP/AVP 96 98\na=sendonly\na=setup:active\na=rtpmap:96 PS/90000\ny=0200000001\nf=\n"
        let answer = try #require(GBSessionDescription.answer(text))
        #expect(answer.address == "192.0.2.7" && answer.port == 15_060 && !answer.overTCP)
        #expect(answer.ssrc?.text == "0200000001" && answer.payloadTypes == [96, 98])
        #expect(GBSessionDescription.answer("v=0\r\ns=Play\r\n") == nil, "no video: 488")
    }

    /// GStreamer's mpegpsmux writes a program stream map: an encoder independent of this parser.
    @Test("the program stream map of a PS made by GStreamer declares H.264 on stream 0xE0")
    func programStreamMap() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("skygate-psm-\(UUID().uuidString).ps").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        // Through GStreamer's Python binding in Debian's Python (what tools/camera-sim uses), so no other package is needed.
        let script = """
            import gi, sys
            gi.require_version("Gst", "1.0")
            from gi.repository import Gst
            Gst.init(None)
            pipeline = Gst.parse_launch(sys.argv[1])
            pipeline.set_state(Gst.State.PLAYING)
            message = pipeline.get_bus().timed_pop_filtered(30 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
            pipeline.set_state(Gst.State.NULL)
            sys.exit(0 if message is not None and message.type == Gst.MessageType.EOS else 1)
            """
        let made = try ProcessRunner.run(
            "/usr/bin/python3",
            [
                "-c", script,
                "videotestsrc num-buffers=10 ! video/x-raw,width=320,height=240 ! x264enc ! mpegpsmux ! filesink location=\(file)",
            ])
        #expect(made.status == 0, "\(made.standardError)")
        let map = try #require(ProgramStreamMap.first(in: Array(try Data(contentsOf: URL(fileURLWithPath: file)))))
        let video = try #require(map.video)
        #expect(video.codec == .h264 && video.stream.type == 0x1B && video.stream.id == 0xE0, "\(map.streams)")
    }

    @Test("hand-made maps: H.265 with audio, descriptors skipped; truncated or inconsistent maps refused")
    func handMadeMaps() {
        // 00 00 01 BC, length, flags, info length 0, map length 12: H.265 on E0 with a 2-byte descriptor, G.711A on C0.
        let entries: [UInt8] = [0x24, 0xE0, 0x00, 0x02, 0x0A, 0x00, 0x90, 0xC0, 0x00, 0x00]
        let body: [UInt8] = [0xE0, 0xFF, 0x00, 0x00, 0x00, UInt8(entries.count)] + entries + [0, 0, 0, 0]
        let map: [UInt8] = [0, 0, 1, 0xBC, 0, UInt8(body.count)] + body
        let parsed = ProgramStreamMap(map[...])
        #expect(parsed?.video?.codec == .hevc && parsed?.streams.count == 2)
        #expect(ProgramStreamMap(map.dropLast(5)[...]) == nil)
        var broken = map
        broken[11] = 0x30  // a map length past the end
        #expect(ProgramStreamMap(broken[...]) == nil)
    }
}
