import CShim
import Testing

/// The C shim's malloc tuning really reaches glibc. (It once compiled to nothing: the `__GLIBC__` test came before any
/// C library header had defined the macro, and the 16-camera soak's memory bound depends on it.)
@Suite("C shim")
struct MemoryTuningTests {
    @Test("glibc takes the arena limit")
    func arenaLimit() {
        #expect(CShim_limit_malloc_arenas(8) == 1)
    }
}
