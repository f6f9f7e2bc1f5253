public import Foundation

/// The named periods of reports: a local day ("2026-11-30") or a local month ("2026-11"), each from its first instant
/// to the next one's, in a time zone.
public enum ReportPeriod {
    /// The day `text` (yyyy-MM-dd) in `timeZone`; nil when it is no such date.
    public static func day(_ text: String, timeZone: TimeZone) -> (from: Date, to: Date)? {
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})/),
            let start = start(year: Int(match.1)!, month: Int(match.2)!, day: Int(match.3)!, timeZone: timeZone)
        else { return nil }
        return (start, calendar(timeZone).date(byAdding: .day, value: 1, to: start)!)
    }

    /// The month `text` (yyyy-MM) in `timeZone`; nil when it is no such month.
    public static func month(_ text: String, timeZone: TimeZone) -> (from: Date, to: Date)? {
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})/),
            let start = start(year: Int(match.1)!, month: Int(match.2)!, day: 1, timeZone: timeZone)
        else { return nil }
        return (start, calendar(timeZone).date(byAdding: .month, value: 1, to: start)!)
    }

    /// The local month before the one `date` falls in: what a monthly report covers when it runs.
    public static func monthBefore(_ date: Date, timeZone: TimeZone) -> (from: Date, to: Date) {
        let calendar = calendar(timeZone)
        let thisMonth = calendar.dateInterval(of: .month, for: date)!.start
        return (calendar.date(byAdding: .month, value: -1, to: thisMonth)!, thisMonth)
    }

    /// Midnight starting the date, when the date exists (no 2026-02-30).
    private static func start(year: Int, month: Int, day: Int, timeZone: TimeZone) -> Date? {
        let components = DateComponents(year: year, month: month, day: day)
        guard (1...12).contains(month), let date = calendar(timeZone).date(from: components),
            calendar(timeZone).dateComponents([.year, .month, .day], from: date) == components
        else { return nil }
        return date
    }

    private static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}
