import Foundation

/// A token bucket per source address for requests that prove no identity (REGISTERs without or with failed
/// credentials, messages from unregistered devices, malformed datagrams): beyond the rate, they are dropped unanswered.
/// It holds at most `maximumSources` buckets, forgetting the longest idle first, so a spoofed-source flood costs
/// bounded memory.
struct SourceRateLimiter: Sendable {
    var rate: Double = 20
    var burst: Double = 40
    var maximumSources = 10_000
    private var buckets: [String: (tokens: Double, at: Date)] = [:]

    init(rate: Double = 20, burst: Double = 40, maximumSources: Int = 10_000) {
        (self.rate, self.burst, self.maximumSources) = (rate, burst, maximumSources)
    }

    /// Whether a request from `source` may be answered now; takes a token if so.
    mutating func allow(_ source: String, at now: Date) -> Bool {
        var bucket = buckets[source] ?? (burst, now)
        bucket.tokens = min(burst, bucket.tokens + max(0, now.timeIntervalSince(bucket.at)) * rate)
        bucket.at = now
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        if buckets[source] == nil, buckets.count >= maximumSources { evict(at: now) }
        buckets[source] = bucket
        return allowed
    }

    /// Forgets full buckets (sources quiet long enough to have refilled), or the oldest half if none are.
    private mutating func evict(at now: Date) {
        let refill = burst / rate
        buckets = buckets.filter { now.timeIntervalSince($0.value.at) < refill }
        if buckets.count >= maximumSources {
            let kept = buckets.sorted { $0.value.at > $1.value.at }.prefix(maximumSources / 2)
            buckets = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
        }
    }

    var sources: Int { buckets.count }
}
