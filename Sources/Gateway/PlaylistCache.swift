import Foundation
import NIOCore
import Synchronization

/// Finished playlists, kept by the capability that asked for them until it expires: a recorded range does not change
/// once a keyframe after its end is indexed, and a player fetches the same playlist again and again (the dashboard
/// reads it for its time anchors, the `<video>` element for playing, seeking re-reads it). A day of one camera is
/// 5.4 MB and about 0.1 s to build (`tools/bench/playback`); answering from here is a reference to the same bytes.
///
/// Bounded by total bytes; the least recently used playlist goes first. Entries of a camera whose segments retention
/// deletes stay until their capability expires (minutes): their last entries then answer 404, as a deleted
/// recording should.
final class PlaylistCache: Sendable {
    private struct Entry {
        var playlist: ByteBuffer
        var expires: Date
        var used: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())
    let capacity: Int

    /// A cache of at most `capacity` bytes of playlists.
    init(capacity: Int) { self.capacity = capacity }

    /// The playlist kept for `key`, if it has not expired by `now`.
    func playlist(for key: String, now: Date) -> ByteBuffer? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            guard entry.expires > now else {
                state.bytes -= entry.playlist.capacity
                state.entries[key] = nil
                return nil
            }
            state.clock += 1
            entry.used = state.clock
            state.entries[key] = entry
            return entry.playlist
        }
    }

    /// Keeps `playlist` for `key` until `expires`, evicting the least recently used (and any expired) to make room.
    /// A playlist larger than the whole cache is not kept.
    func keep(_ playlist: ByteBuffer, for key: String, until expires: Date, now: Date) {
        // The storage it holds, not the bytes it shows: a playlist's buffer is reserved ahead.
        let size = playlist.capacity
        guard size <= capacity else { return }
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: key) { state.bytes -= old.playlist.capacity }
            for (expired, entry) in state.entries where entry.expires <= now {
                state.bytes -= entry.playlist.capacity
                state.entries[expired] = nil
            }
            while state.bytes + size > capacity, let oldest = state.entries.min(by: { $0.value.used < $1.value.used }) {
                state.bytes -= oldest.value.playlist.capacity
                state.entries[oldest.key] = nil
            }
            state.clock += 1
            state.entries[key] = Entry(playlist: playlist, expires: expires, used: state.clock)
            state.bytes += size
        }
    }
}
