import Access
import Archive
import Foundation
import HTTPTypes
import Hummingbird
import MediaIO
import NIOCore
import Synchronization

/// What `POST /api/cameras/{id}/playback` hands out: a playlist URL that carries its own short-lived capability.
struct PlaybackGrant: Encodable {
    /// `/play/CAPABILITY/index.m3u8` (recorded) or `/play/CAPABILITY/live.m3u8`.
    var playlist: String
    var camera: String
    var from: Date
    var to: Date
    var expiresAt: Date
    var live: Bool
}

extension GatewayServices {
    /// How long a media URL works. Minutes, so a URL copied out of a browser stops working soon; the dashboard asks
    /// for a new one when it needs to.
    static let playbackLifetime: TimeInterval = 600

    /// How many whole GOPs a live view starts behind the newest keyframe indexed: the fewest a player accepts.
    ///
    /// RFC 8216 (6.3.3) tells a client not to start less than three target durations from a live playlist's end, and
    /// Chromium counts that in entries: it starts at the third last entry of the first playlist it loads, whatever
    /// `EXT-X-START` says, and a live playlist of one or two entries fails (`DEMUXER_ERROR_COULD_NOT_PARSE`). Both
    /// measured with Debian's Chromium 156 against a playlist server that grows one-second segments. A live playlist
    /// that starts three entries back makes Chromium start at its first entry, so the dashboard knows the wall time
    /// of media time 0; one that starts further back is skipped by Chromium and only costs the playlist's size.
    static let liveGOPs = 3

    /// `POST /api/cameras/{id}/playback?from=&to=` or `?live=true`: an operator asks to watch; the answer is a
    /// playlist URL signed for that camera and range only, expiring in `playbackLifetime`. One audit row per mint:
    /// that is when someone decided to watch, whatever the player fetches after.
    func addPlaybackMintRoute(to api: RouterGroup<GatewayContext>) {
        let (registry, archive, access, now) = (self.registry, self.archive, self.access, self.now)
        let index = RecordingIndex(store: archive)
        api.on("cameras/:id/playback", .post, role: .operator) { request, context in
            let id = try context.parameters.require("id")
            let live =
                try request.query("live").map { text in
                    guard let value = Bool(text) else { throw HTTPError(.badRequest, message: "'live' must be true or false") }
                    return value
                } ?? false
            let at = now()
            // Checked even for live, which ignores them: a malformed time is a 400 whatever else the request says.
            let (requested, askedEnd) = try Self.range(request, defaultHours: 1, maximumDays: 1)
            let auditor = auditor(context)
            let grant = try await blocking {
                try Self.requireCamera(id, in: registry)
                var from = requested
                if live {
                    // `liveGOPs` whole GOPs behind the newest keyframe recorded (not behind the wall clock's now: a
                    // camera whose clock runs slow, or a starved one, is recorded behind it). Fewer keyframes than
                    // that: nothing Chromium would play, and the playlist from now on is empty.
                    from = try index.newestKeyframe(camera: id, back: Self.liveGOPs)?.wallClock ?? at
                } else if let keyframe = try index.keyframe(camera: id, atOrBefore: requested),
                    requested.timeIntervalSince(keyframe.wallClock) <= PlaybackCutter.longestGOP
                {
                    // Play from the keyframe at or before the moment asked for, so the picture starts at that moment.
                    from = keyframe.wallClock
                }
                let expires = at.addingTimeInterval(Self.playbackLifetime)
                let to = live ? expires : askedEnd
                let capability = MediaCapability(camera: id, from: from, to: to, expires: expires)
                let token = capability.token(signedWith: access.mediaCapabilityKey)
                try auditor.record(
                    "playback", id, detail: live ? "live" : "\(TimeText.format(from)) to \(TimeText.format(to))")
                return PlaybackGrant(
                    playlist: "/play/\(token)/\(live ? "live" : "index").m3u8", camera: id, from: capability.from,
                    to: capability.to, expiresAt: capability.expires, live: live)
            }
            return JSONResponse(grant, status: .created)
        }
    }

    /// How many bytes of finished playlists `PlaylistCache` keeps: ten days of one-second GOPs.
    static let playlistCacheBytes = 64 << 20

    /// The playlists under `/play/CAPABILITY/`: no bearer token (a `<video>` element cannot send one); the capability
    /// in the path is the permission. Their segments are served by `SegmentFiles`. A recorded playlist whose range is
    /// finished is built once per capability (`PlaylistCache`).
    func addPlaybackRoutes(to router: Router<GatewayContext>) {
        let (archive, access, now) = (self.archive, self.access, self.now)
        let index = RecordingIndex(store: archive)
        let cache = PlaylistCache(capacity: Self.playlistCacheBytes)
        for (file, live) in [("index.m3u8", false), ("live.m3u8", true)] {
            router.get(RouterPath("play/:capability/\(file)")) { _, context in
                let token = try context.parameters.require("capability")
                // A kept playlist is answered here, without a hop to the blocking pool: checking the capability is
                // one HMAC.
                let at = now()
                let capability = try Self.capability(token, access: access, now: at, for: .playback)
                let playlist: ByteBuffer
                if !live, let kept = cache.playlist(for: token, now: at) {
                    playlist = kept
                } else {
                    playlist = try await blocking {
                        // Every keyframe indexed in the range, live or not; never cut at the gateway's clock. A camera's
                        // recorded wall times can run a second or more ahead of it (a reconnect's first GOP arrives in
                        // a burst), and a live playlist cut at "now" then held one or two entries: too few for
                        // Chromium, which failed it (DEMUXER_ERROR_COULD_NOT_PARSE) after every camera restart.
                        let span = try index.playbackRanges(
                            camera: capability.camera, from: capability.from, to: capability.to)
                        let playlist = HLSPlaylist.bytes(span.ranges, kind: live ? .live : .recorded)
                        if !live && span.isFinished { cache.keep(playlist, for: token, until: capability.expires, now: at) }
                        return playlist
                    }
                }
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/vnd.apple.mpegurl", .cacheControl: "no-store"],
                    body: ResponseBody(byteBuffer: playlist))
            }
        }
        let segments = SegmentFiles(index: index, access: access, now: now)
        addGOPRoute(to: router, segments: segments)
        router.add(
            middleware: FileMiddleware(fileProvider: segments, urlBasePath: "/play")
                .withAdditionalMediaType(MediaType(type: .video, subType: "mp2t"), mappedToFileExtension: "ts"))
    }

    /// The largest GOP a live playlist's entry may name: far above a 60 s GOP of a 4K camera's main stream.
    static let largestGOPBytes = 64 << 20

    /// `/play/CAPABILITY/OFFSET-LENGTH/SEGMENT.ts`: one GOP of a segment as a resource of its own, the entries of a
    /// live playlist (why: `HLSPlaylist.bytes`). Read from the file on the blocking pool and answered whole, or in
    /// part for a `Range`; granted like the segment itself. `…/SEGMENT.jpg` is the GOP's keyframe as a JPEG.
    func addGOPRoute(to router: Router<GatewayContext>, segments: SegmentFiles) {
        router.get("play/:capability/:gop/:segment") { request, context in
            let token = try context.parameters.require("capability")
            var name = try context.parameters.require("segment")
            let picture = name.hasSuffix(".jpg")
            if picture { name = name.dropLast(4) + ".ts" }
            let bounds = try context.parameters.require("gop").split(separator: "-")
            guard bounds.count == 2, let offset = Int64(bounds[0]), offset >= 0, let length = Int(bounds[1]),
                (1...Self.largestGOPBytes).contains(length), SegmentFiles.isSegmentName(name[...])
            else { throw HTTPError(.badRequest, message: "not OFFSET-LENGTH/SEGMENT.ts or OFFSET-LENGTH/SEGMENT.jpg") }
            // Granted exactly as the segment file is: the same capability check and index lookup.
            guard let path = try await segments.resolve("/\(token)/\(name)") else { throw HTTPError(.notFound) }
            if picture { return try await Self.keyframeJPEG(path: path, offset: offset) }
            let bytes = try await blocking {
                let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
                defer { try? file.close() }
                // Checked against the file's size before seeking: an offset past it is a 404, never a seek (Foundation
                // traps on offsets that do not fit off_t).
                let size = try file.seekToEnd()
                guard offset <= Int64(size) - Int64(length) else {
                    throw HTTPError(.notFound, message: "the segment does not hold \(length) bytes at \(offset)")
                }
                try file.seek(toOffset: UInt64(offset))
                guard let data = try file.read(upToCount: length), data.count == length else {
                    throw HTTPError(.notFound, message: "the segment does not hold \(length) bytes at \(offset)")
                }
                return data
            }
            var headers: HTTPFields = [
                .contentType: "video/mp2t", .acceptRanges: "bytes", .cacheControl: "private, max-age=600",
            ]
            switch request.headers[.range].map({ ByteRange($0, size: length) }) ?? .ignored {
            case .ignored:
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
            case .unsatisfiable:
                throw HTTPError(
                    .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(length)"],
                    message: "the GOP has \(length) bytes; the range asks for none of them")
            case .bytes(let part):
                headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(length)"
                return Response(
                    status: .partialContent, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes[part])))
            }
        }
    }

    /// The keyframe that begins at `offset` of a segment, as a JPEG: what the dashboard shows, keyframe by keyframe,
    /// of a camera whose codec the browser cannot play (Chromium has no HEVC decoder), so that nothing is blank. One
    /// keyframe decoded per request, on the blocking pool; the picture never changes, so the browser may keep it.
    static func keyframeJPEG(path: String, offset: Int64) async throws -> Response {
        let jpeg = try await blocking {
            guard offset < FileSize.of(path) ?? 0 else {
                throw HTTPError(.notFound, message: "the segment has no byte \(offset)")
            }
            do {
                return try SnapshotEncoder.jpeg(segment: path, byteOffset: offset)
            } catch let error as MediaError where error.code == .invalidData {
                throw HTTPError(.notFound, message: "no keyframe at or after byte \(offset) of the segment")
            }
        }
        return Response(
            status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=600"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: jpeg)))
    }

    /// A capability from a URL, signed for `use`, or 403 with the reason.
    static func capability(
        _ token: String, access: AccessStore, now: Date, for use: MediaCapability.Use
    ) throws -> MediaCapability {
        do {
            return try MediaCapability(token: token, key: access.mediaCapabilityKey, now: now, for: use)
        } catch {
            throw HTTPError(.forbidden, message: error.description)
        }
    }
}

/// The segment files behind a playlist's entries, `/play/CAPABILITY/SEGMENT.ts`, for Hummingbird's `FileMiddleware`
/// (which answers `Range`, `HEAD` and conditional requests). A file is served only if the capability is valid and the
/// camera it names has a keyframe in that file within the capability's range; the file name is looked up in the
/// index, never joined to a directory.
struct SegmentFiles: FileProvider {
    struct Attributes: FileMiddlewareFileAttributes, Sendable {
        var isFolder: Bool { false }
        var size: Int
        var modificationDate: Date
    }

    /// One request's path under `/play`: FileMiddleware asks for its attributes, then its bytes, with the same
    /// identifier, so the capability check and the index lookup are made once and kept here for the second call.
    final class Request: Sendable {
        let path: String
        let resolved = Mutex<String?>(nil)

        init(path: String) { self.path = path }
    }

    let index: RecordingIndex
    let access: AccessStore
    let now: @Sendable () -> Date
    let fileIO = FileIO()

    func getFileIdentifier(_ path: String) -> Request? { Request(path: path) }

    func getAttributes(id: Request) async throws -> Attributes? {
        guard let file = try await resolve(id.path) else { return nil }
        id.resolved.withLock { $0 = file }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
            let size = (attributes[.size] as? NSNumber)?.intValue, let modified = attributes[.modificationDate] as? Date
        else { return nil }
        return Attributes(size: size, modificationDate: modified)
    }

    func loadFile(id: Request, context: some RequestContext) async throws -> ResponseBody {
        try await fileIO.loadFile(path: try await file(of: id), context: context)
    }

    func loadFile(id: Request, range: ClosedRange<Int>, context: some RequestContext) async throws -> ResponseBody {
        try await fileIO.loadFile(path: try await file(of: id), range: range, context: context)
    }

    /// The file `getAttributes` resolved (FileMiddleware always asks for attributes first), else resolved now.
    private func file(of request: Request) async throws -> String {
        if let file = request.resolved.withLock({ $0 }) { return file }
        guard let file = try await resolve(request.path) else { throw HTTPError(.notFound) }
        return file
    }

    /// Whether `name` can be a segment file's name: `.ts`, letters, digits, `-`, `_` and `.`, at most 128 characters.
    static func isSegmentName(_ name: Substring) -> Bool {
        name.hasSuffix(".ts") && name.count <= 128
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    /// `/CAPABILITY/NAME.ts` → the segment's path; nil when the path is not a segment's name; 403 for a capability
    /// that fails or does not grant the segment.
    func resolve(_ path: String) async throws -> String? {
        let parts = path.split(separator: "/")
        guard parts.count == 2, Self.isSegmentName(parts[1]) else { return nil }
        let (token, name) = (String(parts[0]), String(parts[1]))
        let (index, access, now) = (self.index, self.access, self.now)
        return try await blocking {
            let capability = try GatewayServices.capability(token, access: access, now: now(), for: .playback)
            // 403, not 404: FileMiddleware answers a 404 of ours with whatever the routes answered, and the caller
            // only needs to know this URL does not grant that file.
            guard
                let path = try index.segmentPath(
                    camera: capability.camera, named: name, from: capability.from, to: capability.to)
            else { throw HTTPError(.forbidden, message: "this media URL does not grant that segment") }
            return path
        }
    }
}
