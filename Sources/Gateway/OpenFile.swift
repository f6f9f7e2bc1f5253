import Foundation
import HTTPTypes
import Hummingbird

/// A file opened for one response and read in chunks on a blocking thread, so a large clip never sits in memory
/// whole and never blocks the cooperative pool.
final class OpenFile: Sendable {
    private let handle: FileHandle
    let size: Int

    init(path: String) throws {
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        size = Int(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
    }

    /// The file's bytes as a streamed body; the handle closes when the body ends.
    func body(chunk: Int = 1 << 20) -> ResponseBody {
        ResponseBody(contentLength: size) { writer in
            defer { try? self.handle.close() }
            while true {
                let data = try await blocking { [handle = self.handle] in try handle.read(upToCount: chunk) ?? Data() }
                if data.isEmpty { break }
                try await writer.write(ByteBuffer(bytes: data))
            }
            try await writer.finish(nil)
        }
    }
}
