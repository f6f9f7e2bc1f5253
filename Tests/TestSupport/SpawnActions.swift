#if canImport(Glibc)
    import Glibc
#endif

/// Makes a posix_spawn child close every descriptor above standard error.
///
/// posix_spawn hands a child every descriptor not marked close-on-exec, and Foundation's pipes and SwiftNIO's sockets
/// are not marked. A long-lived child (a gateway, a `curl -N`, a daemonising postmaster) started while another test of
/// the same process was reading a pipe to its end kept that pipe open, so that test's read could not end before the
/// child did. glibc has the call since 2.34; Swift's Glibc module does not declare it, hence the lookup.
func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
    _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
}
