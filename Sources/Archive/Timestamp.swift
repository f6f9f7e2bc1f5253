import Foundation

/// How Archive writes times as text (messages, the status, the index's source times): ISO 8601 in UTC with
/// milliseconds.
let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

func timestamp(_ date: Date) -> String { date.formatted(timestampStyle) }
