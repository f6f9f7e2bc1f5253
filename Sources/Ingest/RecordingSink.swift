import Foundation
public import MediaIO

/// Where a camera worker records its packets, connection after connection.
///
/// Not `Sendable`: a sink lives on its worker's thread.
public protocol RecordingSink: AnyObject {
    /// A connection opened with this stream: the next packets belong to it.
    func begin(_ codec: StreamCodec) throws
    /// Records `packet` at its place on the camera's timeline. Nil for packets that are not recorded (before the
    /// connection's first keyframe nothing could decode them). A keyframe's bytes are in the file when this returns.
    /// - Throws: `MediaError.writeFailed`.
    func write(_ packet: MediaPacket, at placed: SanitisedTimestamp) throws -> SegmentPosition?
    /// The connection ended: close what is open.
    func finish() throws
}

/// Records into MPEG-TS segments by stream copy, named `<unix milliseconds>-<n>.ts` in the camera's directory.
public final class SegmentRecorder: RecordingSink {
    private let directory: String
    private let segmentDuration: Double
    private let clock: any WorkerClock
    private var writer: SegmentWriter?
    /// Segments opened by this recorder, across connections (part of each name).
    private var segments = 0

    /// - Parameters:
    ///   - segmentDuration: a new segment starts at the first keyframe after this many seconds.
    public init(directory: String, segmentDuration: Double, clock: any WorkerClock = SystemClock()) {
        self.directory = directory
        self.segmentDuration = segmentDuration
        self.clock = clock
    }

    public func begin(_ codec: StreamCodec) throws {
        try finish()
        writer = try SegmentWriter(codec: codec, directory: directory, maximumDuration: segmentDuration) { [unowned self] _ in
            segments += 1
            return String(format: "%013lld-%06d.ts", Int64(clock.now.timeIntervalSince1970 * 1000), segments)
        }
    }

    public func write(_ packet: MediaPacket, at placed: SanitisedTimestamp) throws -> SegmentPosition? {
        try writer?.write(packet, dts: placed.dts, pts: placed.pts)
    }

    public func finish() throws {
        defer { writer = nil }
        try writer?.finishSegment()
    }
}

@available(*, unavailable)
extension SegmentRecorder: Sendable {}
