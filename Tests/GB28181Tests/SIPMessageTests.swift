import Foundation
import Testing

@testable import GB28181

@Suite("SIP messages")
struct SIPMessageTests {
    static let register = """
        REGISTER sip:34020000002000000001@3402000000 SIP/2.0\r
        Via: SIP/2.0/UDP 192.0.2.7:5060;rport;branch=z9hG4bK1\r
        f: <sip:34020000001320000001@3402000000>;tag=1\r
        To: <sip:34020000001320000001@3402000000>\r
        i: abc@192.0.2.7\r
        CSeq: 1 REGISTER\r
        Contact: <sip:34020000001320000001@192.0.2.7:5060>\r
        Subject: a header folded\r
         onto two lines\r
        Expires: 3600\r
        l: 4\r
        \r
        body and more
        """

    @Test("a REGISTER with compact and folded headers parses; Content-Length cuts the body")
    func parsesARegister() throws {
        let message = try SIPMessage.parse(Array(Self.register.utf8))
        #expect(message.method == .register)
        #expect(message.fromUser == "34020000001320000001")
        #expect(message.header("call-id") == "abc@192.0.2.7")
        #expect(message.header("Subject") == "a header folded onto two lines")
        #expect(message.cseq?.number == 1 && message.cseq?.method == "REGISTER")
        #expect(message.body == Array("body".utf8))
        #expect(DeviceAccess.expires(message) == 3600)
        // Serialised and parsed again, it is the same message (Content-Length from the body).
        let again = try SIPMessage.parse(message.bytes)
        #expect(again.header("From") == message.header("From") && again.body == message.body)
    }

    @Test("a response to it carries its Via with received and rport filled in, and a To tag")
    func responseHeaders() throws {
        let message = try SIPMessage.parse(Array(Self.register.utf8))
        let peer = SIPPeer(transport: .udp, host: "203.0.113.9", port: 40_000)
        let answer = message.response(401, "Unauthorized", from: peer, toTag: "t1")
        #expect(answer.header("Via") == "SIP/2.0/UDP 192.0.2.7:5060;rport=40000;branch=z9hG4bK1;received=203.0.113.9")
        #expect(answer.header("To")?.hasSuffix(";tag=t1") == true)
        #expect(answer.header("CSeq") == "1 REGISTER")
    }

    @Test(
        "broken messages are errors, never crashes",
        arguments: [
            "", "\r\n\r\n", "REGISTER\r\n\r\n", "SIP/2.0 99 Low\r\n\r\n", "REGISTER sip:a SIP/2.0\r\nVia x\r\n\r\n",
            "REGISTER sip:a SIP/2.0\r\nVia: a\r\nFrom: a\r\nTo: a\r\nCall-ID: a\r\nCSeq: x REGISTER\r\n\r\n",
            "REGISTER sip:a SIP/2.0\r\nVia: a\r\nFrom: a\r\nTo: a\r\nCall-ID: a\r\nCSeq: 1 REGISTER\r\nContent-Length: 99\r\n\r\nshort",
            "REGISTER sip:a SIP/2.0\r\nVia: a\r\nFrom: a\r\nTo: a\r\nCall-ID: a\r\nCSeq: 1 REGISTER\r\nContent-Length: -1\r\n\r\n",
        ])
    func brokenMessages(text: String) {
        #expect(throws: SIPParseError.self) { try SIPMessage.parse(Array(text.utf8)) }
    }

    @Test("20,000 mutations of a REGISTER: each parses or is refused, none crashes")
    func mutations() {
        var random = SystemRandomNumberGenerator()
        let original = Array(Self.register.utf8)
        var parsed = 0
        for _ in 0..<20_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
                }
                if bytes.isEmpty { bytes = [0] }
            }
            if (try? SIPMessage.parse(bytes)) != nil { parsed += 1 }
            _ = try? SIPFraming.messageLength(in: bytes[...])
        }
        #expect(parsed > 0)
    }

    @Test("TCP framing: messages cut by Content-Length, partial input waits for more")
    func framing() throws {
        let one = try SIPMessage.parse(Array(Self.register.utf8)).bytes
        let stream = one + one
        #expect(try SIPFraming.messageLength(in: stream[...]) == one.count)
        #expect(try SIPFraming.messageLength(in: stream[..<(one.count - 1)]) == nil)
        #expect(try SIPFraming.messageLength(in: Array("\r\n\r\n".utf8)[...]) == 4)
    }
}

@Suite("Digest authentication")
struct DigestTests {
    /// RFC 2617 §3.5's example, the independent oracle.
    @Test("RFC 2617's worked example gives its response")
    func rfcExample() throws {
        let header = #"""
            Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", \#
            uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", \#
            response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"
            """#
        let credentials = try #require(DigestCredentials(header: header))
        #expect(credentials.expectedResponse(password: "Circle Of Life", method: "GET") == "6629fae49393a05397450978507c4ef1")
        #expect(credentials.isValid(password: "Circle Of Life", method: "GET"))
        #expect(!credentials.isValid(password: "circle of life", method: "GET"))
        #expect(DigestCredentials(header: "Basic QWxhZGRpbjpvcGVu") == nil)
    }

    @Test("nonces: valid while fresh, stale after their lifetime, forged when not made here")
    func nonces() {
        let mint = NonceMint()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let nonce = mint.issue(at: start)
        #expect(mint.check(nonce, at: start.addingTimeInterval(10)) == .valid)
        #expect(mint.check(nonce, at: start.addingTimeInterval(301)) == .stale)
        #expect(NonceMint().check(nonce, at: start) == .forged)
        #expect(mint.check("0.0", at: start) == .forged)
    }
}
