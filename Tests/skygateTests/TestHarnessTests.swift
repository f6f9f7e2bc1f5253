import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The harness's own promises, where breaking one hangs other tests rather than failing this one.
@Suite("Test harness")
struct TestHarnessTests {
    /// A background program holds no descriptor of the test process: one that kept another test's pipe open held that
    /// test's read to its end (a CI run hung for 90 minutes).
    @Test("a background program inherits no descriptor above standard error")
    func backgroundProgramClosesDescriptors() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { ends.forEach { close($0) } }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("harness-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        // The shell lists its own descriptors.
        let program = try BackgroundProgram("/bin/sh", ["-c", "ls /proc/$$/fd"], log: log)
        #expect(program.waitForLog(20) { _ in program.status != nil })
        let descriptors = Set(program.log.split(separator: "\n").compactMap { Int32($0) })
        #expect(descriptors.isSuperset(of: [0, 1, 2]), "\(descriptors.sorted())")
        #expect(descriptors.isDisjoint(with: ends), "the pipe \(ends) reached the child: \(descriptors.sorted())")
        #expect(descriptors.allSatisfy { $0 <= 2 }, "\(descriptors.sorted())")
    }
}
