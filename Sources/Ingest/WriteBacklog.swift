import Synchronization

/// Writes waiting for a writer thread that commits them in batches: producers append from any thread; the writer
/// takes everything queued, and puts a batch it could not commit back in front, so order is kept and nothing is lost.
/// Shared by ingest's index writer and the event engine.
public final class WriteBacklog<Element: Sendable>: Sendable {
    private let queued = Mutex<[Element]>([])

    public init() {}

    public func append(_ element: Element) { queued.withLock { $0.append(element) } }

    public func append(contentsOf elements: [Element]) { queued.withLock { $0 += elements } }

    /// Everything queued, oldest first; the backlog is empty afterwards.
    public func takeAll() -> [Element] {
        queued.withLock { queued in
            defer { queued = [] }
            return queued
        }
    }

    /// Puts back a batch `takeAll()` returned that could not be written, ahead of what came since.
    public func restore(_ batch: [Element]) { queued.withLock { $0 = batch + $0 } }
}
