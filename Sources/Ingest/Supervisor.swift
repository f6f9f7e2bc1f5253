public import CameraRegistry
import Foundation
import Logging
import Synchronization

/// A camera as the supervisor runs it: its ID, the URL to connect to (credentials included; never logged) and its
/// pinned RTSP transport, if any. A change of any of them restarts the camera's worker.
public struct CameraEndpoint: Sendable, Hashable {
    public var id: String
    public var connectionURL: String
    public var rtspTransport: RTSPTransport?

    public init(id: String, connectionURL: String, rtspTransport: RTSPTransport? = nil) {
        self.id = id
        self.connectionURL = connectionURL
        self.rtspTransport = rtspTransport
    }
}

/// Runs one `CameraWorker` per camera it is given and keeps the set in step with the registry: `apply` starts new
/// cameras, stops removed ones (within a second, even if blocked in a connect) and restarts changed ones, without
/// touching the others.
public final class Supervisor: Sendable {
    private let template: WorkerConfiguration
    private let segmentRoot: String
    private let report: @Sendable (WorkerEvent) -> Void
    private let sources: SourceProvider?
    private let workers = Mutex<[String: (endpoint: CameraEndpoint, worker: CameraWorker)]>([:])
    private let logger = Logger(label: "skygate.supervisor")

    /// - Parameters:
    ///   - template: each worker's configuration; its segment directory is replaced by `segmentRoot/<camera id>`.
    ///   - maximumConcurrentConnects: connects in progress at once, across all cameras.
    ///   - sources: openers for cameras FFmpeg does not read (GB/T 28181 channels).
    public init(
        template: WorkerConfiguration, segmentRoot: String, maximumConcurrentConnects: Int = 8,
        sources: SourceProvider? = nil, report: @escaping @Sendable (WorkerEvent) -> Void
    ) {
        self.sources = sources
        var template = template
        template.connectLimiter = ConnectLimiter(maximum: maximumConcurrentConnects)
        self.template = template
        self.segmentRoot = segmentRoot
        self.report = report
    }

    /// The cameras with a running worker.
    public var cameras: [String] { workers.withLock { Array($0.keys).sorted() } }

    /// Makes the running set equal `endpoints`: stops workers of cameras no longer there or whose URL changed, then
    /// starts the missing ones. Returns without waiting for stopped workers to end (see `stopAll` to wait).
    public func apply(_ endpoints: [CameraEndpoint]) {
        let wanted = Dictionary(endpoints.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let (stopping, starting) = workers.withLock { running -> ([CameraWorker], [CameraWorker]) in
            var stopping: [CameraWorker] = []
            for (id, entry) in running where wanted[id] != entry.endpoint {
                stopping.append(entry.worker)
                running[id] = nil
            }
            var starting: [CameraWorker] = []
            for (id, endpoint) in wanted where running[id] == nil {
                var configuration = template
                configuration.segmentDirectory = (segmentRoot as NSString).appendingPathComponent(id)
                let source =
                    sources?(endpoint, configuration.demux)
                    ?? URLSourceOpener(
                        connectionURL: endpoint.connectionURL, options: configuration.demux,
                        rtspTransport: endpoint.rtspTransport)
                let worker = CameraWorker(camera: id, source: source, configuration: configuration, report: report)
                running[id] = (endpoint, worker)
                starting.append(worker)
            }
            return (stopping, starting)
        }
        for worker in stopping { worker.stop() }
        for worker in starting { worker.start() }
        if !stopping.isEmpty || !starting.isEmpty {
            logger.info("cameras changed", metadata: ["started": "\(starting.count)", "stopped": "\(stopping.count)"])
        }
    }

    /// Stops every worker and waits for them; false if any was still running after `timeout` seconds.
    public func stopAll(timeout: Double) -> Bool {
        let all = workers.withLock { running -> [CameraWorker] in
            defer { running.removeAll() }
            return running.values.map(\.worker)
        }
        for worker in all { worker.stop() }
        let deadline = Date().addingTimeInterval(timeout)
        return all.allSatisfy { $0.waitUntilStopped(timeout: max(0, deadline.timeIntervalSinceNow)) }
    }

    /// Logs cameras not run because their IDs are not safe directory names.
    func refusedUnsafeIDs(_ ids: [String]) {
        logger.error(
            "cameras not recorded: their IDs cannot name a recording directory; rename them",
            metadata: ["cameras": "\(ids.joined(separator: ","))"])
    }
}
