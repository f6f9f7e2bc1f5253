import CameraRegistry
import Foundation
import TestSupport
import Testing

@testable import GB28181

/// Issue 16, item 3: a GB/T 28181 device's clock, from the `DeviceTime` of its DeviceStatus answer.
@Suite("Device clock")
struct DeviceClockTests {
    /// GNU date's reading of a local time without a zone: the oracle.
    static func epoch(_ text: String) throws -> Double {
        try #require(Double(ProcessRunner.check("date", ["-d", text, "+%s"]).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test("device times are local times as GNU date reads them, with a T or a space, with or without a fraction")
    func deviceTimes() throws {
        let whole = try Self.epoch("2026-12-01 09:58:33")
        for (text, expected) in [
            ("2026-12-01T09:58:33", whole), ("2026-12-01 09:58:33", whole), ("2026-12-01T09:58:33.250", whole + 0.25),
            ("2026-12-01T09:58:33.5", whole + 0.5), (" 2026-12-01T09:58:33 ", whole),
        ] {
            #expect(SIPDate.date(from: text)?.timeIntervalSince1970 == expected, "\(text)")
        }
        for text in [
            "", "2026-12-01", "2026-13-01T09:58:33", "2026-02-30T09:58:33", "2026-12-01T09:58:33.x", "yesterday",
            "2026-12-01T09:58:33.5e3", "2026-12-01T09:58:33.", "2026-12-01T09:58:33.-5", "2026-12-01T09:58:33.1234567890",
        ] {
            #expect(SIPDate.date(from: text) == nil, "\(text)")
        }
        // Written in whole milliseconds, also a hair short of one, and before 1970 (a negative remainder), in UTC.
        let utc = TimeZone(identifier: "UTC")!
        for (seconds, text) in [
            (1_765_000_000.123, "2025-12-06T05:46:40.123"), (1_765_000_000.999_9999, "2025-12-06T05:46:41.000"),
            (-0.25, "1969-12-31T23:59:59.750"), (-1.0, "1969-12-31T23:59:59.000"),
        ] {
            #expect(SIPDate.text(Date(timeIntervalSince1970: seconds), timeZone: utc) == text, "\(seconds)")
            #expect(
                SIPDate.date(from: text, timeZone: utc).map { abs($0.timeIntervalSince1970 - seconds) < 0.001 } == true, "\(text)"
            )
        }
        // What this gateway writes in a REGISTER's 200 reads back as the same millisecond.
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
        let read = SIPDate.date(from: SIPDate.text(now))
        #expect(
            read.map { abs($0.timeIntervalSince(now)) < 0.0005 } == true,
            "\(SIPDate.text(now)) read as \(String(describing: read?.timeIntervalSince(now)))")
    }

    @Test("a DeviceStatus answer gives the offset: a whole second read as its middle; other answers give none")
    func offsets() throws {
        let deviceTime = try Self.epoch("2026-12-01 09:58:33")
        func answer(_ body: String) throws -> MANSCDPMessage { try MANSCDPMessage.decode(Array(body.utf8)) }
        let ahead = try answer(
            "<Response><CmdType>DeviceStatus</CmdType><SN>4</SN><DeviceID>34020000001320000001</DeviceID>"
                + "<Result>OK</Result><Online>ONLINE</Online><DeviceTime>2026-12-01T09:58:33</DeviceTime></Response>")
        let clock = GBDeviceClock(answer: ahead, receivedAt: Date(timeIntervalSince1970: deviceTime - 90))
        #expect(clock?.offset == 90.5 && clock?.measuredAt.timeIntervalSince1970 == deviceTime - 90)
        let behind = try answer(
            "<Response><CmdType>DeviceStatus</CmdType><SN>5</SN><DeviceTime>2026-12-01T09:58:33.100</DeviceTime></Response>")
        #expect(
            GBDeviceClock(answer: behind, receivedAt: Date(timeIntervalSince1970: deviceTime + 2))
                .map { abs($0.offset + 1.9) < 1e-6 } == true)
        let withoutTime = try answer("<Response><CmdType>DeviceStatus</CmdType><SN>6</SN><Online>ONLINE</Online></Response>")
        let info = try answer(
            "<Response><CmdType>DeviceInfo</CmdType><SN>7</SN><DeviceTime>2026-12-01T09:58:33</DeviceTime></Response>")
        let query = try answer(
            "<Query><CmdType>DeviceStatus</CmdType><SN>8</SN><DeviceTime>2026-12-01T09:58:33</DeviceTime></Query>")
        for message in [withoutTime, info, query] {
            #expect(GBDeviceClock(answer: message, receivedAt: Date()) == nil)
        }
    }
}
