import Archive
import Foundation
import Logging

/// Counts the visits of the round under way and closes the round when the planner's count moves on.
struct PatrolRoundTally {
    private var current: PatrolRound?

    /// Ends a visit in the planner (or a queued one that was dropped: no visit) and counts it in the round it
    /// belonged to; returns the round this closed, if it closed one.
    mutating func finish(_ camera: String, visit: PatrolVisit?, in planner: inout PatrolPlanner, at now: Date = Date())
        -> PatrolRound?
    {
        let before = planner.progress
        planner.finish(camera: camera, at: now)
        return count(visit.map { [$0] } ?? [], before: before, after: planner.progress)
    }

    /// Counts visits that just ended (`before` and `after` are the planner's progress around their `finish`); returns
    /// the round they ended, if they ended one.
    mutating func count(_ visits: [PatrolVisit], before: PatrolProgress, after: PatrolProgress) -> PatrolRound? {
        var round =
            current ?? PatrolRound(startedAt: before.roundStartedAt, endedAt: before.roundStartedAt, cameras: before.cameras)
        for visit in visits { round.count(visit.outcome) }
        guard after.round != before.round else {
            current = round
            return nil
        }
        round.endedAt = after.roundStartedAt
        round.cameras = before.cameras
        current = nil
        return round
    }
}

extension PatrolService {
    /// Seconds a run-now request waits for a running service before it is dropped as stale.
    static let runRequestLifetime: TimeInterval = 600

    /// Takes the operators' run-now requests (from `skygate patrol run-now` or the API, through the archive) and
    /// makes their cameras due at once.
    func takeRunRequests(_ planner: inout PatrolPlanner) {
        do {
            let now = Date()
            for request in try rounds.takeRequests(at: now) {
                // A request left while no service ran is stale by the next start: the next round is due anyway.
                guard now.timeIntervalSince(request.requestedAt) < Self.runRequestLifetime else {
                    logger.notice(
                        "stale patrol run request ignored",
                        metadata: ["grid": "\(request.grid ?? "all")", "by": "\(request.requestedBy)"])
                    continue
                }
                let cameras = planner.visitNow(grid: request.grid)
                logger.notice(
                    "patrol run requested",
                    metadata: [
                        "grid": "\(request.grid ?? "all")", "by": "\(request.requestedBy)", "cameras": "\(cameras)",
                    ])
            }
        } catch {
            logger.warning("cannot read the patrol run requests", metadata: ["error": "\(error)"])
        }
    }

    /// Stores a finished round.
    func record(_ round: PatrolRound) {
        do { try rounds.append(round) } catch {
            logger.error("cannot store a patrol round", metadata: ["error": "\(error)"])
        }
    }
}
