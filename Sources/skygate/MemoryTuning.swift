import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// glibc's allocator keeps one arena per thread that allocates (up to 8 per core), and each arena keeps memory that
/// thread freed. The service has a thread per camera that frees demuxers and packet buffers on every reconnect, so
/// its memory grew by about 1 MB a minute under faults (measured: 16 cameras, a fault round every minute). Two
/// arenas keep it flat. `mallopt` is looked up at run time: Swift's Glibc module does not export <malloc.h>.
enum MemoryTuning {
    static func limitMallocArenas(to count: Int32) {
        #if canImport(Glibc)
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let M_ARENA_MAX: Int32 = -8
            _ = unsafeBitCast(symbol, to: Mallopt.self)(M_ARENA_MAX, count)
        #endif
    }
}
