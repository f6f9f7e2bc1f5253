/// A `Range` header (RFC 9110, 14.1.2) read for a resource held in memory.
enum ByteRange {
    /// The bytes that `header` asks for within a resource of `size` bytes: `bytes=FIRST-LAST`, `bytes=FIRST-` or
    /// `bytes=-SUFFIX`, clipped to the resource. Nil for several ranges, another unit, or a range outside the
    /// resource: the caller answers 416.
    static func parse(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard size > 0, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let bounds = header.dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2 else { return nil }
        let (first, last) = (bounds[0].trimmingPrefix(" "), bounds[1])
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int(first), start < size else { return nil }
        guard !last.isEmpty else { return start...(size - 1) }
        guard let end = Int(last), end >= start else { return nil }
        return start...min(end, size - 1)
    }
}
