import Testing

@testable import Gateway

/// `Range` headers as RFC 9110 (14.1.2, 14.2) reads them, for a GOP of 1,000 bytes.
@Suite("Byte ranges")
struct ByteRangeTests {
    @Test(
        "ranges, suffixes, clipping, and what is ignored or unsatisfiable",
        arguments: [
            ("bytes=0-99", ByteRange.bytes(0...99)),
            ("bytes=188-", .bytes(188...999)),
            ("Bytes=990-5000", .bytes(990...999)),
            ("bytes=-100", .bytes(900...999)),
            ("bytes=-5000", .bytes(0...999)),
            ("bytes=5-99999999999999999999999", .bytes(5...999)),
            ("bytes=1000-", .unsatisfiable),
            ("bytes=-0", .unsatisfiable),
            ("bytes=0-1,5-9", .ignored),
            ("items=0-9", .ignored),
            ("bytes=9-5", .ignored),
            ("bytes=a-b", .ignored),
        ])
    func parse(header: String, expected: ByteRange) {
        #expect(ByteRange(header, size: 1000) == expected, "\(header)")
    }
}
