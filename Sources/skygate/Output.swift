import Foundation
import MediaIO

/// JSON as the commands print it: pretty, keys sorted, so output is stable for scripts and diffs.
func printJSON<T: Encodable>(_ value: T) throws {
    let data = try makeJSONEncoder(pretty: true).encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// The CLI's JSON: keys sorted, times as ISO 8601 with milliseconds (UTC), which every consumer can parse; pretty for
/// people, one line per value for NDJSON.
func makeJSONEncoder(pretty: Bool) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting =
        pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = TimeText.encoding
    return encoder
}

/// Prints rows as a table whose columns are as wide as their widest cell; numbers align right.
func printTable(header: [String], rows: [[String]], rightAligned: Set<Int> = []) {
    print(tableText(header: header, rows: rows, rightAligned: rightAligned), terminator: "")
}

/// Rows as a table whose columns are as wide as their widest cell, each line ending in a line break.
func tableText(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
    var widths = header.map(\.count)
    for row in rows {
        for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { column, cell in
            let padding = String(repeating: " ", count: widths[column] - cell.count)
            return rightAligned.contains(column) ? padding + cell : cell + padding
        }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    return ([line(header)] + rows.map(line)).map { $0 + "\n" }.joined()
}

/// A number with a fixed count of decimals.
func fixed(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}
