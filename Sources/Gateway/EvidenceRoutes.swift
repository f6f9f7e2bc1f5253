import Access
import Archive
import Evidence
import Foundation
import HTTPTypes
import Hummingbird
import MediaIO

extension GatewayServices {
    /// `POST /api/evidence?cameras=A,B&from=&to=[&reason=]`: an evidence package (`EvidencePackager`) as a zip
    /// download, named by the caller in its manifest and in the audit trail. Shares the clip exports' slots and their
    /// free-space rule: a package is a few clips.
    func addEvidenceRoute(to api: RouterGroup<GatewayContext>) {
        let (registry, archive, events, scratchDirectory, now) = (
            self.registry, self.archive, self.events, self.scratchDirectory, self.now
        )
        api.on("evidence", .post, role: .operator) { request, context in
            let cameras = try Self.evidenceCameras(request)
            guard try request.time("from") != nil, try request.time("to") != nil else {
                throw HTTPError(.badRequest, message: "an evidence package needs 'from' and 'to' (RFC 3339)")
            }
            let (from, to) = try Self.range(request, defaultHours: 1, maximumDays: EvidencePackager.maximumSeconds / 86_400)
            let reason = request.uri.queryParameters["reason"].map(String.init)
            let (limits, slots) = (clipLimits, clipSlots)
            guard slots.acquire(maximum: limits.maximumConcurrent) else {
                throw HTTPError(
                    .tooManyRequests, message: "\(limits.maximumConcurrent) exports are running; try again when one ends")
            }
            defer { slots.release() }
            let exporter = context.actor
            let auditor = auditor(context)
            let path = (scratchDirectory as NSString).appendingPathComponent("evidence-\(UUID().uuidString).zip")
            try await blocking {
                for camera in cameras { try Self.requireCamera(camera, in: registry) }
                try FileManager.default.createDirectory(atPath: scratchDirectory, withIntermediateDirectories: true)
                let index = RecordingIndex(store: archive)
                let estimate = try cameras.reduce(Int64(0)) { $0 + (try index.segmentBytes(camera: $1, from: from, to: to)) }
                guard limits.leavesEnoughSpace(writing: 2 * estimate, in: scratchDirectory) else {
                    throw HTTPError(
                        HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"),
                        message: "not enough free space for a package of about \(estimate >> 20) MiB: recording keeps the rest")
                }
                // Audited before it is written, as the CLI does: an export that fails half way was still asked for.
                try auditor.record(
                    "evidence.export", cameras.joined(separator: ","),
                    detail: "\(TimeText.format(from)) to \(TimeText.format(to))" + (reason.map { " (\($0))" } ?? ""))
                _ = try EvidencePackager(index: index, events: events, scratch: scratchDirectory).write(
                    EvidenceRequest(cameras: cameras, from: from, to: to, exportedBy: exporter, reason: reason), to: path,
                    now: now())
            }
            return try await Self.download(
                path, name: "evidence-\(Int(from.timeIntervalSince1970))-\(Int(to.timeIntervalSince1970)).zip",
                type: "application/zip", context: context)
        }
    }

    /// The `cameras` of an evidence request: 1 to `EvidencePackager.maximumCameras` IDs, each once; else 400.
    static func evidenceCameras(_ request: Request) throws -> [String] {
        let cameras = (request.uri.queryParameters["cameras"].map(String.init) ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard (1...EvidencePackager.maximumCameras).contains(cameras.count) else {
            throw HTTPError(
                .badRequest, message: "'cameras' lists 1 to \(EvidencePackager.maximumCameras) camera IDs, comma-separated")
        }
        guard Set(cameras).count == cameras.count else {
            throw HTTPError(.badRequest, message: "'cameras' names a camera twice")
        }
        return cameras
    }
}
