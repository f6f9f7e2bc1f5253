import Foundation
import Logging
import Synchronization

extension IngestService {
    /// Logs when analysis falls behind its interval (then at most once a minute while it stays behind) and when it is
    /// back within it.
    func report(_ budget: AnalysisBudgetStatus) {
        switch budgetWatch.withLock({ $0.observe(budget, at: Date()) }) {
        case .stretched(let budget):
            logger.warning(
                "keyframe analysis is behind its interval: the slowest camera's newest analysed keyframe is older than allowed",
                metadata: [
                    "interval_s": "\(budget.interval)", "largest_age_s": "\(Int(budget.largestAge.rounded()))",
                    "cameras_behind": "\(budget.behind)",
                ])
        case .recovered(let budget):
            logger.notice(
                "keyframe analysis is within its interval again",
                metadata: ["interval_s": "\(budget.interval)", "largest_age_s": "\(Int(budget.largestAge.rounded()))"])
        case nil:
            break
        }
    }
}
