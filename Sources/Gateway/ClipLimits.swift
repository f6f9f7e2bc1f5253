import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How much clip exporting may take of the machine: clips are written to the recording filesystem before they are
/// sent, and each is a stream copy of up to an hour of video.
public struct ClipLimits: Sendable {
    /// Exports running at once; more are refused with 429 (each reads and writes a whole clip).
    public var maximumConcurrent: Int
    /// Space that must stay free on the scratch directory's filesystem after the clip, in bytes and as a fraction of
    /// the filesystem, whichever is larger: recording must never run out of space because of an export.
    public var minimumFreeBytes: Int64
    public var minimumFreeFraction: Double

    public init(maximumConcurrent: Int = 2, minimumFreeBytes: Int64 = 2 << 30, minimumFreeFraction: Double = 0.05) {
        self.maximumConcurrent = maximumConcurrent
        self.minimumFreeBytes = minimumFreeBytes
        self.minimumFreeFraction = minimumFreeFraction
    }

    /// Whether a clip of about `bytes` may be written in `directory` (on a filesystem it cannot measure: yes).
    func leavesEnoughSpace(writing bytes: Int64, in directory: String) -> Bool {
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return true }
        let blockSize = Int64(stats.f_frsize)
        let free = Int64(stats.f_bavail) * blockSize
        let total = Int64(stats.f_blocks) * blockSize
        let reserve = max(minimumFreeBytes, Int64(Double(total) * minimumFreeFraction))
        return free - bytes >= reserve
    }
}

/// The clip exports running now, shared by every request of one gateway.
final class ClipSlots: Sendable {
    private let running = Mutex(0)

    /// Takes a slot; false when `maximum` exports are running.
    func acquire(maximum: Int) -> Bool {
        running.withLock { count in
            guard count < maximum else { return false }
            count += 1
            return true
        }
    }

    func release() { running.withLock { $0 -= 1 } }
}
