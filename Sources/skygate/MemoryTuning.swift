import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// glibc's allocator keeps one arena per thread that allocates (up to 8 per core), and each arena keeps memory that
/// thread freed. The service has a thread per camera that frees demuxers and packet buffers on every reconnect, so
/// its memory crept up under faults (measured: 16 cameras, a fault round every minute, see DESIGN-NOTES). Two arenas
/// and a periodic `malloc_trim` keep it flat. Both are looked up at run time: Swift's Glibc module does not export
/// <malloc.h>.
enum MemoryTuning {
    /// Returns freed heap memory to the system every `interval` seconds, on a thread of its own.
    static func trimPeriodically(every interval: Double) {
        #if canImport(Glibc)
            typealias MallocTrim = @convention(c) (Int) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
            let trim = unsafeBitCast(symbol, to: MallocTrim.self)
            let thread = Thread {
                while true {
                    Thread.sleep(forTimeInterval: interval)
                    _ = trim(0)
                }
            }
            thread.name = "memory-trim"
            thread.start()
        #endif
    }

    static func limitMallocArenas(to count: Int32) {
        #if canImport(Glibc)
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let M_ARENA_MAX: Int32 = -8
            _ = unsafeBitCast(symbol, to: Mallopt.self)(M_ARENA_MAX, count)
        #endif
    }
}
