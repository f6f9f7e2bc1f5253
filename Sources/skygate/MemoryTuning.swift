internal import CShim
import Foundation
import MediaIO

/// glibc's allocator keeps one arena per thread that allocates (up to 8 per core), and each arena keeps memory that
/// thread freed. The service has a thread per camera that frees demuxers and packet buffers on every reconnect, so
/// its memory crept up under faults (measured: 16 cameras, a fault round every minute, see DESIGN-NOTES). Two arenas
/// and a periodic `malloc_trim` keep it flat. Both are C calls in `CShim`: Swift's Glibc module does not export
/// <malloc.h>.
enum MemoryTuning {
    /// Returns freed heap memory to the system every `interval` seconds, on a thread of its own.
    static func trimPeriodically(every interval: Double) {
        startThread("memory-trim") {
            while true {
                Thread.sleep(forTimeInterval: interval)
                CShim_trim_heap()
            }
        }
    }

    /// False when the C library did not take the limit (not glibc).
    @discardableResult
    static func limitMallocArenas(to count: Int32) -> Bool {
        CShim_limit_malloc_arenas(count) == 1
    }
}
