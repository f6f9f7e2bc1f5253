import Archive
import Foundation
import Logging
import Synchronization

/// What the patrol keeps in the archive: visits, its progress for other processes, and their trimming.
extension PatrolService {
    /// Publishes the progress in this process, and for other processes (`skygate patrol status`) once a second at
    /// most: the planning loop runs at every visit's end.
    func publish(_ progress: PatrolProgress, lastWritten: inout Date) {
        published.withLock { $0 = progress }
        guard progress.at.timeIntervalSince(lastWritten) >= 1 else { return }
        lastWritten = progress.at
        write(progress)
    }

    /// Writes the progress for other processes.
    func write(_ progress: PatrolProgress) {
        do { try status.publish(patrol: progress) } catch {
            logger.warning("cannot publish the patrol status", metadata: ["error": "\(error)"])
        }
    }

    /// Removes visits and rounds older than `date` (hourly, by the planning thread).
    func trim(before date: Date) {
        do {
            try log.trim(before: date)
            try rounds.trim(before: date)
        } catch {
            logger.warning("cannot remove old patrol visits", metadata: ["error": "\(error)"])
        }
    }

    /// Stores visits that ended, before the detectors hear of them.
    func record(_ visits: [PatrolVisit]) {
        do { try log.append(visits) } catch {
            logger.error("cannot store patrol visits", metadata: ["visits": "\(visits.count)", "error": "\(error)"])
        }
    }
}
