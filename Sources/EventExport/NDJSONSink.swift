public import Events
import Foundation

/// Appends each message as one line of CloudEvents JSON to `events-<UTC day>.<n>.ndjson` in a directory, starting a
/// new file each day and when one reaches `maximumBytes`. Each batch is synced to disk before it counts as delivered;
/// after a crash a batch may be written twice (readers deduplicate on the CloudEvent `id`).
public final class NDJSONSink: EventSink {
    public let name = "ndjson"
    private let directory: String
    private let maximumBytes: Int
    private let source: String
    private var handle: FileHandle?
    private var currentPath: String?
    private var bytes = 0

    public init(directory: String, maximumBytes: Int = 100_000_000, source: String) throws {
        self.directory = directory
        self.maximumBytes = maximumBytes
        self.source = source
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw EventsError(.sinkFailed, "cannot create the NDJSON directory '\(directory)'", underlying: "\(error)")
        }
    }

    public func deliver(_ messages: [OutboxMessage]) throws -> [DeliveryResult] {
        var text = Data()
        for message in messages {
            text.append(try CloudEvent.encode(message, source: source))
            text.append(0x0A)
        }
        do {
            let handle = try file(adding: text.count)
            try handle.write(contentsOf: text)
            try handle.synchronize()
            bytes += text.count
        } catch {
            close()
            throw SinkUnavailable("cannot write '\(currentPath ?? directory)': \(error)")
        }
        return messages.map { _ in .delivered }
    }

    /// The file to append to: today's, unless it would grow past the limit.
    private func file(adding count: Int) throws -> FileHandle {
        let day = Date().formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
        if let handle, let currentPath, currentPath.contains("events-\(day)."), bytes + count <= maximumBytes || bytes == 0 {
            return handle
        }
        close()
        var number = 1
        while true {
            let path = (directory as NSString).appendingPathComponent("events-\(day).\(number).ndjson")
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            if let size, size > 0 && size + count > maximumBytes {
                number += 1
                continue
            }
            if size == nil { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            guard let handle = FileHandle(forWritingAtPath: path) else { throw EventsError(.sinkFailed, "cannot open '\(path)'") }
            try handle.seekToEnd()
            self.handle = handle
            currentPath = path
            bytes = size ?? 0
            return handle
        }
    }

    public func close() {
        try? handle?.close()
        handle = nil
        currentPath = nil
    }
}
