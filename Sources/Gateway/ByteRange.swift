import Foundation

/// A `Range` header (RFC 9110, 14.1.2) read for a resource held in memory.
enum ByteRange: Equatable {
    /// Answer the whole resource (200): another unit, several ranges, or a header that is not a range at all; a
    /// server may ignore `Range` (RFC 9110, 14.2).
    case ignored
    /// No byte of the resource is asked for (416).
    case unsatisfiable
    /// These bytes (206).
    case bytes(ClosedRange<Int>)

    /// What `header` asks of a resource of `size` bytes: `bytes=FIRST-LAST` (clipped to the resource),
    /// `bytes=FIRST-` or `bytes=-SUFFIX`; the unit's name in any case.
    init(_ header: String, size: Int) {
        guard header.lowercased().hasPrefix("bytes="), !header.contains(",") else {
            self = .ignored
            return
        }
        let bounds = header.dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2 else {
            self = .ignored
            return
        }
        let (first, last) = (bounds[0].trimmingCharacters(in: .whitespaces), bounds[1].trimmingCharacters(in: .whitespaces))
        if first.isEmpty {
            guard let suffix = Int(last), suffix >= 0 else {
                self = .ignored
                return
            }
            self = suffix > 0 && size > 0 ? .bytes(max(0, size - suffix)...(size - 1)) : .unsatisfiable
            return
        }
        guard let start = Int(first), last.allSatisfy(\.isNumber) else {
            self = .ignored
            return
        }
        if let stated = Int(last), stated < start {
            self = .ignored
            return
        }
        guard start < size else {
            self = .unsatisfiable
            return
        }
        // A last position too large for an integer is the resource's end.
        self = .bytes(start...(last.isEmpty ? size - 1 : min(Int(last) ?? .max, size - 1)))
    }
}
