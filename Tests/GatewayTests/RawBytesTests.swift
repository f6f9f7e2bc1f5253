import Foundation
import Testing

@testable import Gateway

/// The playlist's number writer against Swift's own formatting: every entry of every playlist goes through it.
@Suite("Playlist bytes")
struct RawBytesTests {
    static func written(_ write: (inout RawBytes) -> Void) -> String {
        var storage = [UInt8](repeating: 0, count: 64)
        let count = storage.withUnsafeMutableBytes { memory in
            var out = RawBytes(memory)
            write(&out)
            return out.count
        }
        return String(decoding: storage[..<count], as: UTF8.self)
    }

    @Test("decimals and milliseconds as Swift formats them, from one digit to Int64's nineteen")
    func numbers() {
        var values: [Int64] = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1_000, 65_535, 1 << 32, .max, .max - 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        var random = SystemRandomNumberGenerator()
        values += (0..<1_000).map { _ in Int64.random(in: 0...Int64.max, using: &random) >> Int64.random(in: 0...62) }
        for value in values {
            #expect(Self.written { $0.appendDecimal(value) } == String(value))
        }
        #expect(Self.written { $0.appendDecimal(-5) } == "0")
        for (milliseconds, text) in [
            (0, "0.000"), (1, "0.001"), (999, "0.999"), (1_000, "1.000"), (61_234, "61.234"),
            (-1_500, "-1.500"),
        ] {
            #expect(Self.written { $0.appendMilliseconds(Int64(milliseconds)) } == text)
        }
    }

    @Test("tags of one character and of many, and bytes, one after another")
    func tags() {
        #expect(
            Self.written {
                $0.append("#EXTINF:")
                $0.append(",")
                $0.append(UInt8(ascii: "x"))
                $0.append(Array("name.ts".utf8))
                $0.append("\n")
            } == "#EXTINF:,xname.ts\n")
    }
}
