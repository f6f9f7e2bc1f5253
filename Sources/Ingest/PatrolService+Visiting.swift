import Archive
import Foundation
import MediaIO
import Synchronization

extension PatrolService {
    /// A visiting thread: takes a queued visit, runs it, hands the visit to the planning thread; until the stop.
    func visitLoop() {
        let visitor = PatrolVisitor(keyframes: configuration.keyframes, deadline: configuration.visitDeadline)
        while true {
            visitReady.wait()
            guard !threads.isStopping else { return }
            guard let endpoint = queue.withLock({ $0.waiting.isEmpty ? nil : $0.waiting.removeFirst() }) else { continue }
            let opener =
                sources?(endpoint, configuration.demux)
                ?? URLSourceOpener(
                    connectionURL: endpoint.connectionURL, options: configuration.demux, rtspTransport: endpoint.rtspTransport)
            // Its own flag: a demuxer arms and clears its deadlines on it, which visits sharing one would undo.
            let interrupt = InterruptFlag()
            visitsUnderWay.withLock { $0[ObjectIdentifier(interrupt)] = interrupt }
            // A stop between the check above and the registration must still abort this visit.
            if threads.isStopping { interrupt.abort() }
            let visit = visitor.visit(camera: endpoint.id, opener: opener, interrupt: interrupt)
            visitsUnderWay.withLock { $0[ObjectIdentifier(interrupt)] = nil }
            // A visit the stop cut short says nothing of the camera.
            guard !threads.isStopping else { return }
            queue.withLock { $0.ended.append(visit) }
            plannerWake.signal()
        }
    }
}
