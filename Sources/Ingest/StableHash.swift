/// FNV-1a, 64 bits, of a string's UTF-8 bytes: the same in every run and on every machine, unlike `Hasher`, so that
/// lanes and patrol orders can be replayed in tests.
func stableHash(_ text: String, seed: UInt64 = 0) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return hash
}

/// SplitMix64's finaliser: every bit of the result depends on every bit of `value`. FNV-1a alone leaves IDs that differ
/// in their last digits (the channels of one NVR) close together in the high bits, so sorting by it keeps them together.
func scrambled(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9e37_79b9_7f4a_7c15
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
}
