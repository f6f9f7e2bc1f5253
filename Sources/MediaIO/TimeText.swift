public import Foundation

/// The one way Skygate writes and reads instants as text: ISO 8601 (RFC 3339) in UTC with milliseconds,
/// `2026-11-22T06:40:12.345Z`; read with or without the fraction and with any zone (`Z`, `+08:00`).
///
/// The archive's index and status, the event store, the exporters, the API and the CLI all use it, so a time printed
/// by one is read back exactly by every other. It lives in MediaIO because that is the lowest module all of them
/// import (the design has no "Common" module); timestamps are media's vocabulary anyway.
public enum TimeText {
    /// A format style, not a formatter made per call: tables and event pages format one per row.
    public static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// `date` as text, with milliseconds.
    public static func format(_ date: Date) -> String { date.formatted(style) }

    /// An instant in ISO 8601 with a zone, with or without fractional seconds; nil if `text` is not one.
    public static func parse(_ text: String) -> Date? { try? style.parse(text) }

    /// For `JSONEncoder`: dates as `format` writes them.
    public static let encoding = JSONEncoder.DateEncodingStrategy.custom { date, encoder in
        var container = encoder.singleValueContainer()
        try container.encode(format(date))
    }

    /// For `JSONDecoder`: dates as `parse` reads them; anything else is a decoding error that quotes the text.
    public static let decoding = JSONDecoder.DateDecodingStrategy.custom { decoder in
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = parse(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an ISO 8601 time")
        }
        return date
    }
}
