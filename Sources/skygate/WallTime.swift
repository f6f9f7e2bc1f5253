import ArgumentParser
import Foundation
import MediaIO

/// Parses a wall-clock time as the live commands take it:
/// - ISO 8601 with a zone: `2026-11-22T14:03:10Z`, `2026-11-22T22:03:10+08:00` (fractions allowed);
/// - local time: `2026-11-22 14:03:10[.fff]`, or `14:03:10[.fff]` for today;
/// - relative to now: `now`, `now-90s`, `-5m`, `-2h` (units s, m, h, d);
/// - Unix seconds: `@1795356190.5`.
func parseWallTime(_ text: String, now: Date = Date()) -> Date? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed == "now" { return now }
    if trimmed.hasPrefix("@"), let seconds = Double(trimmed.dropFirst()), seconds.isFinite {
        return Date(timeIntervalSince1970: seconds)
    }
    var relative = Substring(trimmed)
    if relative.hasPrefix("now") { relative = relative.dropFirst(3) }
    if relative.hasPrefix("-"), let unit = relative.last, let scale = ["s": 1.0, "m": 60, "h": 3600, "d": 86_400][String(unit)],
        let amount = Double(relative.dropFirst().dropLast()), amount >= 0
    {
        return now.addingTimeInterval(-amount * scale)
    }
    if let date = TimeText.parse(trimmed) { return date }
    let local = DateFormatter()
    local.locale = Locale(identifier: "en_US_POSIX")
    local.timeZone = .current
    for format in ["yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss"] {
        local.dateFormat = format
        if let date = local.date(from: trimmed) { return date }
    }
    for format in ["HH:mm:ss.SSS", "HH:mm:ss"] {
        local.dateFormat = format
        if let time = local.date(from: trimmed) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = .current
            let parts = calendar.dateComponents([.hour, .minute, .second, .nanosecond], from: time)
            return calendar.date(bySettingHour: parts.hour!, minute: parts.minute!, second: parts.second!, of: now)
                .map { $0.addingTimeInterval(Double(parts.nanosecond!) / 1e9) }
        }
    }
    return nil
}

/// An option's wall-clock time, nil when the option was not given.
/// - Throws: `ValidationError` naming the option and the forms it takes.
func wallTime(_ option: String, _ text: String?) throws -> Date? {
    guard let text else { return nil }
    guard let date = parseWallTime(text) else {
        throw ValidationError("\(option) '\(text)': expected ISO 8601, local 'YYYY-MM-DD HH:MM:SS', now-1h or @unix")
    }
    return date
}

/// What `--help` says about wall-clock times.
let wallTimeHelp =
    "ISO 8601 (2026-11-22T14:03:10Z), local time (2026-11-22 14:03:10, or 14:03:10 today), now, now-90s / now-5m / now-2h, or @unix-seconds"

/// Parses a duration: seconds (`90`, `2.5`) or with a unit (`90s`, `5m`, `1h`, `30d`).
func parseDuration(_ text: String) -> Double? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let seconds = Double(trimmed), seconds.isFinite, seconds > 0 { return seconds }
    guard let unit = trimmed.last, let scale = ["s": 1.0, "m": 60, "h": 3600, "d": 86_400][String(unit)],
        let amount = Double(trimmed.dropLast()), amount.isFinite, amount > 0
    else { return nil }
    return amount * scale
}
