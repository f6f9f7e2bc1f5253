/// The one scanner for MPEG start codes (`00 00 01 xx`), shared by the PS reader, the frame gate, the map finder and
/// the Annex B helpers.
enum StartCodes {
    /// The index of the first `00 00 01 xx` at or after `start` (and before `end`) whose fourth byte is in `codes`.
    static func first(in bytes: [UInt8], from start: Int = 0, before end: Int? = nil, codes: ClosedRange<UInt8> = 0...255)
        -> Int?
    {
        let limit = min(end ?? bytes.count, bytes.count)
        var position = start
        while position + 4 <= limit {
            if bytes[position + 2] > 1 {
                position += 3  // no start code can begin at position, +1 or +2
            } else if bytes[position] == 0, bytes[position + 1] == 0, bytes[position + 2] == 1,
                codes.contains(bytes[position + 3])
            {
                return position
            } else {
                position += 1
            }
        }
        return nil
    }
}
