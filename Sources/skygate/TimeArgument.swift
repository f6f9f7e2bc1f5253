/// Parses a stream time given as seconds (`93.5`) or `[[HH:]MM:]SS[.fff]` (`1:33.5`, `0:01:33`).
func parseStreamTime(_ text: String) -> Double? {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard (1...3).contains(parts.count) else { return nil }
    var seconds = 0.0
    for (index, part) in parts.enumerated() {
        let isLast = index == parts.count - 1
        guard let value = isLast ? Double(part) : Double(Int(part) ?? -1), value >= 0, value.isFinite else { return nil }
        if !isLast && index > 0 && value >= 60 { return nil }
        seconds = seconds * 60 + value
    }
    if parts.count > 1, let last = Double(parts[parts.count - 1]), last >= 60 { return nil }
    return seconds
}

/// Seconds as `H:MM:SS.mmm`.
func formatStreamTime(_ seconds: Double) -> String {
    let milliseconds = Int((seconds * 1000).rounded())
    let sign = milliseconds < 0 ? "-" : ""
    let total = abs(milliseconds)
    let hours = total / 3_600_000
    let minutes = total / 60_000 % 60
    let secs = total / 1000 % 60
    let millis = total % 1000
    return sign + "\(hours):" + pad(minutes, 2) + ":" + pad(secs, 2) + "." + pad(millis, 3)
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}
