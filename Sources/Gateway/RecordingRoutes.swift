import Access
import Archive
import CameraRegistry
import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import MediaIO

/// One page of `/keyframes`: the keyframes, and the `after` cursor of the next page (absent on the last).
struct KeyframePageBody: Encodable {
    var keyframes: [RecordedKeyframe]
    var next: String?

    init(_ page: KeyframePage) {
        keyframes = page.keyframes
        next = page.next.map { "\($0.wallClock.timeIntervalSince1970)_\($0.row)" }
    }
}

extension GatewayServices {
    /// Over 60 lines: one short closure per route, kept together so that each route's path, method and role read as one table.
    func addRecordingRoutes(to api: RouterGroup<GatewayContext>) {
        let (registry, archive, status, now) = (self.registry, self.archive, self.status, self.now)
        let index = RecordingIndex(store: archive)

        api.on("status", .get, role: .viewer) { _, _ -> Response in
            let json = try await blocking { try status.entry().json }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
        }
        api.on("cameras/:id/status", .get, role: .viewer) { _, context in
            let id = try context.parameters.require("id")
            return JSONResponse(
                try await blocking {
                    try Self.requireCamera(id, in: registry)
                    guard let camera = try status.report().cameras.first(where: { $0.camera == id }) else {
                        throw RegistryError(.notFound, "camera \(id) is not being recorded: the service is not running it")
                    }
                    return camera
                })
        }
        api.on("cameras/:id/health", .get, role: .viewer) { request, context in
            let id = try context.parameters.require("id")
            let (from, to) = try Self.range(request, defaultHours: 24, maximumDays: 31)
            return try await blockingJSON {
                try Self.requireCamera(id, in: registry)
                return try HealthLog(store: archive).transitions(camera: id, from: from, to: to)
            }
        }
        api.on("cameras/:id/coverage", .get, role: .viewer) { request, context in
            let id = try context.parameters.require("id")
            let (from, to) = try Self.range(request, defaultHours: 24, maximumDays: 31)
            return try await blockingJSON {
                try Self.requireCamera(id, in: registry)
                return try index.coverage(camera: id, from: from, to: to)
            }
        }
        api.on("cameras/:id/stats", .get, role: .viewer) { request, context in
            let id = try context.parameters.require("id")
            let (from, to) = try Self.range(request, defaultHours: 1, maximumDays: 1)
            let points = try request.integer("points", default: 1000, in: 1...5000)
            return try await blockingJSON {
                try Self.requireCamera(id, in: registry)
                return try index.statistics(camera: id, from: from, to: to, points: points)
            }
        }

        // Video data: operators only, and every request leaves one audit row.
        api.on("cameras/:id/keyframes", .get, role: .operator) { request, context in
            let id = try context.parameters.require("id")
            let (from, to) = try Self.range(request, defaultHours: 1, maximumDays: 31)
            let limit = try request.integer("limit", default: 1000, in: 1...2000)
            let cursor = try request.query("after").map { text in
                guard let (time, row) = Self.cursor(text), let row = Int64(row) else {
                    throw HTTPError(.badRequest, message: "'after' must be the 'next' of a previous page")
                }
                return KeyframeCursor(wallClock: time, row: row)
            }
            // The limit is the query's (the rows past it are never read); the next page starts after the last row.
            let body = try await blockingJSON {
                try Self.requireCamera(id, in: registry)
                return KeyframePageBody(try index.keyframePage(camera: id, from: from, to: to, after: cursor, limit: limit))
            }
            try await audit(
                context, "keyframes.read", id, detail: "\(TimeText.format(from))/\(TimeText.format(to))")
            return body
        }
        api.on("cameras/:id/seek", .get, role: .operator) { request, context in
            let id = try context.parameters.require("id")
            guard let at = try request.time("at") else { throw HTTPError(.badRequest, message: "seek needs 'at' (RFC 3339)") }
            let row = try await blocking {
                try Self.requireCamera(id, in: registry)
                guard let row = try index.keyframe(camera: id, atOrBefore: at) else {
                    throw ArchiveError(
                        .notRecorded, "camera \(id) has no keyframe recorded at or before \(TimeText.format(at))")
                }
                return row
            }
            try await audit(context, "keyframes.seek", id, detail: TimeText.format(at))
            return JSONResponse(row)
        }
        api.on("cameras/:id/snapshot", .get, role: .operator) { _, context in
            let id = try context.parameters.require("id")
            let (jpeg, at) = try await blocking {
                try Self.requireCamera(id, in: registry)
                // The last analysed keyframe: its statistics are what the dashboard shows beside the picture.
                guard let row = try index.lastAnalysedKeyframe(camera: id, since: now().addingTimeInterval(-600)) else {
                    throw ArchiveError(.notRecorded, "camera \(id) has recorded no keyframe in the last 10 minutes")
                }
                return (try SnapshotEncoder.jpeg(segment: row.segment, byteOffset: row.byteOffset), row.wallClock)
            }
            try await audit(context, "snapshot.read", id, detail: TimeText.format(at))
            return Response.keyframePicture(jpeg, at: at)
        }
        api.on("cameras/:id/clip", .get, role: .operator) { request, context in
            let id = try context.parameters.require("id")
            guard let from = try request.time("from") else {
                throw HTTPError(.badRequest, message: "a clip needs 'from' (RFC 3339)")
            }
            let duration = try request.number("duration", in: 1...3600) ?? 60
            let path = (scratchDirectory as NSString).appendingPathComponent("clip-\(UUID().uuidString).mp4")
            let (limits, slots) = (clipLimits, clipSlots)
            guard slots.acquire(maximum: limits.maximumConcurrent) else {
                throw HTTPError(
                    .tooManyRequests, message: "\(limits.maximumConcurrent) clip exports are running; try again when one ends")
            }
            defer { slots.release() }
            try await blocking {
                try Self.requireCamera(id, in: registry)
                try FileManager.default.createDirectory(atPath: scratchDirectory, withIntermediateDirectories: true)
                // The clip is at most the recorded segments it is cut from.
                let estimate = try index.segmentBytes(camera: id, from: from, to: from.addingTimeInterval(duration))
                guard limits.leavesEnoughSpace(writing: estimate, in: scratchDirectory) else {
                    throw HTTPError(
                        HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"),
                        message: "not enough free space for a clip of about \(estimate >> 20) MiB: recording keeps the rest")
                }
                _ = try ClipExporter(index: index).export(camera: id, from: from, duration: duration, to: path)
            }
            do {
                try await audit(context, "clip.export", id, detail: "\(TimeText.format(from)) +\(Int(duration))s")
            } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
            return try await Self.download(
                path, name: "\(id)-\(Int(from.timeIntervalSince1970)).mp4", type: "video/mp4", context: context)
        }
    }

    /// A file written for one response, as a download named `name` (removed if it cannot be sent).
    static func download(_ path: String, name: String, type: String, context: GatewayContext) async throws -> Response {
        let body: ResponseBody
        do {
            body = try await temporaryFile(path, context: context)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store",
            ],
            body: body)
    }

    /// A file written for one response, streamed in 1 MiB chunks by Hummingbird's `FileIO` on the blocking pool, and
    /// removed once sent, or once the client left half way. (A response never written, or a crash, leaves a file that
    /// the next start of the service sweeps from the scratch directory.)
    static func temporaryFile(_ path: String, context: GatewayContext) async throws -> ResponseBody {
        let body = try await FileIO(threadPool: blockingPool).loadFile(path: path, context: context, chunkLength: 1 << 20)
        return ResponseBody(contentLength: body.contentLength) { writer in
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await body.write(writer)
        }
    }

    /// 404 unless the camera is registered.
    static func requireCamera(_ id: String, in registry: Registry) throws {
        guard try registry.hasCamera(id: id) else { throw RegistryError(.notFound, "no camera \(id)") }
    }

    /// `from` and `to` (RFC 3339), defaulting to the last `defaultHours` hours, at most `maximumDays` apart: a
    /// viewer's range must not make one request read years of rows (a `from=2000-…` once took 22 s and 1.3 GB).
    static func range(_ request: Request, defaultHours: Double, maximumDays: Double) throws -> (Date, Date) {
        let to = try request.time("to") ?? Date()
        let from = try request.time("from") ?? to.addingTimeInterval(-defaultHours * 3600)
        guard from < to else { throw HTTPError(.badRequest, message: "'from' must be before 'to'") }
        guard to.timeIntervalSince(from) <= maximumDays * 86_400 else {
            let limit =
                maximumDays >= 1
                ? "\(Int(maximumDays)) day\(maximumDays == 1 ? "" : "s")" : "\(Int((maximumDays * 24).rounded())) hours"
            throw HTTPError(.badRequest, message: "the range may cover at most \(limit); ask for it in parts")
        }
        return (from, to)
    }
}

extension Response {
    /// A recorded keyframe as a JPEG (a snapshot, a wall's thumbnail), with the keyframe's wall time in
    /// `Skygate-Keyframe-Time`.
    static func keyframePicture(_ jpeg: Data, at time: Date) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "image/jpeg", .cacheControl: "no-store",
                HTTPField.Name("Skygate-Keyframe-Time")!: TimeText.format(time),
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: jpeg)))
    }
}
