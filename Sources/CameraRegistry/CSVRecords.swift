import Foundation
import SwiftCSV

/// One CSV record with the line it starts on (the header is line 1).
struct CSVRecord {
    var line: Int
    var fields: [String]
}

/// Reads a CSV file into records that know their line numbers, reporting every line it cannot read.
///
/// SwiftCSV parses and unescapes each record; this type only finds where records begin and end (a record continues
/// onto the next physical line while it has an odd number of quotes), so that every problem can name its line.
public enum CSVRecords {
    /// The longest field accepted, in characters.
    static let maximumFieldLength = 2_000

    static func read(_ data: Data, file: String) -> (records: [CSVRecord], problems: [ImportProblem]) {
        var records: [CSVRecord] = []
        var problems: [ImportProblem] = []
        var pending: [String] = []
        var pendingStart = 0
        var quotes = 0
        var lineNumber = 0
        for rawLine in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            var bytes = Data(rawLine)
            if bytes.last == 0x0D { bytes.removeLast() }
            guard let line = String(data: bytes, encoding: .utf8) else {
                problems.append(ImportProblem(file: file, line: lineNumber, reason: "not valid UTF-8"))
                pending = []
                quotes = 0
                continue
            }
            if pending.isEmpty {
                if line.isEmpty { continue }
                pendingStart = lineNumber
            }
            pending.append(line)
            quotes += line.utf8.reduce(0) { $0 + ($1 == 0x22 ? 1 : 0) }
            guard quotes % 2 == 0 else { continue }
            let text = pending.joined(separator: "\n")
            pending = []
            quotes = 0
            do {
                // The newline makes SwiftCSV finish the row, keeping an empty last field (at end of text it drops it).
                let fields = try EnumeratedCSV(string: text + "\n", delimiter: .comma, loadColumns: false).header
                if let long = fields.firstIndex(where: { $0.count > maximumFieldLength }) {
                    problems.append(
                        ImportProblem(
                            file: file, line: pendingStart,
                            reason: "field \(long + 1) is longer than \(maximumFieldLength) characters"))
                    continue
                }
                records.append(CSVRecord(line: pendingStart, fields: fields.map(restored)))
            } catch {
                problems.append(ImportProblem(file: file, line: pendingStart, reason: "bad quoting (\(describe(error)))"))
            }
        }
        if !pending.isEmpty {
            problems.append(ImportProblem(file: file, line: pendingStart, reason: "a quoted field opened here is never closed"))
        }
        return (records, problems)
    }

    /// Characters that make a spreadsheet read a cell as a formula (`=cmd|' /C calc'!A0`, `@SUM(…)`, …).
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// `field` with a `'` in front when a spreadsheet would take it for a formula; numbers (`-73.9`) stay as they
    /// are. OWASP's advice for CSV injection; `restored(_:)` undoes it on import, so an export re-imports exactly.
    static func neutralised(_ field: String) -> String {
        guard let first = field.first, formulaStarts.contains(first), Double(field) == nil else { return field }
        return "'" + field
    }

    /// A field as written by `neutralised(_:)`, back as it was.
    static func restored(_ field: String) -> String {
        guard field.hasPrefix("'"), let second = field.dropFirst().first, formulaStarts.contains(second) else { return field }
        return String(field.dropFirst())
    }

    private static func describe(_ error: any Error) -> String {
        if case CSVParseError.quotation(let message) = error { return message }
        if case CSVParseError.generic(let message) = error { return message }
        return "\(error)"
    }

    /// One CSV line: fields quoted when they hold a comma, a quote, a line break or edge whitespace (RFC 4180), and
    /// neutralised when a spreadsheet would run them as a formula (`neutralised(_:)`).
    public static func line(_ fields: [String]) -> String {
        fields.map(neutralised).map { field in
            let needsQuotes =
                field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                || field.first?.isWhitespace == true || field.last?.isWhitespace == true
            return needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
    }
}
