import Foundation
import NIOCore
import Testing

@testable import Gateway

/// The cache of finished playlists: kept until the capability expires, bounded by bytes, least recently used first out.
@Suite("Playlist cache")
struct PlaylistCacheTests {
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func playlist(_ bytes: Int) -> ByteBuffer { ByteBuffer(repeating: UInt8(ascii: "#"), count: bytes) }

    @Test("a kept playlist is answered until its capability expires, then forgotten")
    func expiry() {
        let cache = PlaylistCache(capacity: 1000)
        cache.keep(Self.playlist(100), for: "a", until: Self.start + 600, now: Self.start)
        #expect(cache.playlist(for: "a", now: Self.start + 599)?.readableBytes == 100)
        #expect(cache.playlist(for: "a", now: Self.start + 600) == nil)
        #expect(cache.playlist(for: "b", now: Self.start) == nil)
    }

    @Test("room is made by evicting the least recently used; a playlist larger than the cache is not kept")
    func eviction() {
        // Room for three playlists and a half (the cache counts the storage a buffer holds).
        let one = Self.playlist(300).capacity
        let cache = PlaylistCache(capacity: one * 7 / 2)
        for key in ["a", "b", "c"] { cache.keep(Self.playlist(300), for: key, until: Self.start + 600, now: Self.start) }
        // "a" read again: "b" is now the least recently used, and goes when "d" needs room.
        #expect(cache.playlist(for: "a", now: Self.start) != nil)
        cache.keep(Self.playlist(300), for: "d", until: Self.start + 600, now: Self.start)
        #expect(cache.playlist(for: "b", now: Self.start) == nil)
        for key in ["a", "c", "d"] { #expect(cache.playlist(for: key, now: Self.start) != nil, "\(key)") }
        cache.keep(Self.playlist(one * 4), for: "huge", until: Self.start + 600, now: Self.start)
        #expect(cache.playlist(for: "huge", now: Self.start) == nil)
        #expect(cache.playlist(for: "a", now: Self.start) != nil)
    }
}
