import Foundation
import Geo
import Testing

/// Issue 17, IR-cut: the sun's elevation against the `astral` package (PyPI), at places and times spread over the
/// globe and the year.
@Suite("Sun")
struct SunTests {
    static let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/python/bin/python").path

    @Test("elevation within 0.1° of astral's, day and night, both hemispheres, 2000 to 2090")
    func againstAstral() throws {
        var cases: [(longitude: Double, latitude: Double, time: Double)] = []
        var state: UInt64 = 17
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<60 {
            cases.append((next() * 360 - 180, next() * 140 - 70, 946_684_800 + next() * 90 * 365.25 * 86_400))
        }
        let input = cases.map { "\($0.longitude) \($0.latitude) \($0.time)" }.joined(separator: "\n")
        let script = """
            import sys, datetime, astral, astral.sun
            for line in sys.stdin.read().split("\\n"):
                lon, lat, t = map(float, line.split())
                when = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
                print(astral.sun.elevation(astral.Observer(latitude=lat, longitude=lon), when, with_refraction=False))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = ["-c", script]
        let (stdin, stdout) = (Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "astral is installed by tools/setup")
        let expected = output.split(separator: "\n").compactMap { Double($0) }
        #expect(expected.count == cases.count)
        var below = 0
        for (index, value) in expected.enumerated() {
            let place = try Coordinate(longitude: cases[index].longitude, latitude: cases[index].latitude)
            let elevation = Sun.elevation(at: place, on: Date(timeIntervalSince1970: cases[index].time))
            #expect(abs(elevation - value) <= 0.1, "\(cases[index]): \(elevation) vs astral \(value)")
            if value < 0 { below += 1 }
        }
        #expect(below > 10 && below < 50, "night and day both sampled: \(below) of \(cases.count) below the horizon")
    }
}
