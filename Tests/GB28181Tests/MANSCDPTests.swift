import Foundation
import TestSupport
import Testing

@testable import GB28181

@Suite("MANSCDP bodies")
struct MANSCDPTests {
    /// Bytes made by Python's own GB 18030 codec: an oracle independent of glibc's iconv.
    static func python(_ script: String) throws -> [UInt8] {
        let result = try ProcessRunner.run("python3", ["-c", script])
        guard result.status == 0 else { throw SIPParseError(result.standardError) }
        return Array(Data(base64Encoded: result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? Data())
    }

    @Test("a body declared GB2312 with a name GB2312 cannot encode is read as GB 18030")
    func gb18030Names() throws {
        let name = "䶮𠀀镕东门"
        let bytes = try Self.python(
            """
            import base64, sys
            name = "\(name)"
            try:
                name.encode("gb2312"); sys.exit("GB2312 can encode it")
            except UnicodeEncodeError:
                pass
            body = '<?xml version="1.0" encoding="GB2312"?><Response><CmdType>Catalog</CmdType><SN>7</SN>' \\
                '<DeviceList Num="1"><Item><Name>' + name + '</Name></Item></DeviceList></Response>'
            print(base64.b64encode(body.encode("gb18030")).decode())
            """)
        let message = try MANSCDPMessage.decode(bytes)
        #expect(message.kind == "Response" && message.command == "Catalog" && message.serialNumber == 7)
        #expect(message.root.child("devicelist")?.child("ITEM")?.value("name") == name)
        #expect(GB18030.encode(name).flatMap(GB18030.decode) == name)
    }

    @Test("UTF-8 without a declaration, and element names in any case")
    func utf8Bodies() throws {
        let body = Array("<notify><cmdtype>Keepalive</cmdtype><sn>3</sn><deviceid>34020000001320000001</deviceid></notify>".utf8)
        let message = try MANSCDPMessage.decode(body)
        #expect(message.command == "Keepalive" && message.deviceID == "34020000001320000001")
        let chinese = try MANSCDPMessage.decode(Array("<Notify><Name>西湖</Name></Notify>".utf8))
        #expect(chinese.root.value("Name") == "西湖")
    }

    @Test("bodies that are not XML are errors", arguments: ["", "<Notify>", "plain text", "<a><b></a>"])
    func notXML(text: String) {
        #expect(throws: SIPParseError.self) { try MANSCDPMessage.decode(Array(text.utf8)) }
    }
}
