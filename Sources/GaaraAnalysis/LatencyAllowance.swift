/// How much slower a canary may answer before its latency counts as worse: the larger of an
/// absolute and a relative allowance (Kayenta's "allowed increase"). A rank test alone calls any
/// consistent difference significant, and with thousands of requests a fresh process on a busy
/// machine answering in 3 ms where the warm one takes 1 ms is "slower" (measured on a loaded
/// 2-core CI machine: P(slower) = 0.68 for two copies of one server) but not worse for anyone.
public struct LatencyAllowance: Sendable, Equatable, Codable {
    /// Milliseconds a canary request may take beyond the baseline's.
    public var milliseconds: Double
    /// The share of the baseline's latency a canary request may take beyond it (0.2: 20%).
    public var ratio: Double

    /// Creates an allowance.
    public init(milliseconds: Double = 10, ratio: Double = 0.2) {
        self.milliseconds = milliseconds
        self.ratio = ratio
    }

    /// The latency a canary request may reach where a baseline request took `latency` ms.
    public func limit(_ latency: Double) -> Double { latency + max(milliseconds, ratio * latency) }
}

extension BucketCounts {
    /// The same answers made slower by `allowance`, on the same buckets: each bucket's count is
    /// spread evenly over its interval, moved to the allowed limit and binned again by overlap.
    /// `bounds` are the buckets' upper bounds in milliseconds; the bucket after the last bound holds
    /// what is slower than all of them (and stays there). Counts of another length come back as is.
    public func allowing(_ allowance: LatencyAllowance, bounds: [Double]) -> BucketCounts {
        guard counts.count == bounds.count + 1, !bounds.isEmpty else { return self }
        var moved = [Double](repeating: 0, count: counts.count)
        moved[bounds.count] = counts[bounds.count]
        for (index, count) in counts.enumerated().dropLast() where count > 0 {
            let low = allowance.limit(index == 0 ? 0 : bounds[index - 1])
            let high = allowance.limit(bounds[index])
            let width = high - low
            var placed = 0.0
            for target in bounds.indices {
                let targetLow = target == 0 ? 0 : bounds[target - 1]
                let overlap = min(high, bounds[target]) - max(low, targetLow)
                guard overlap > 0 else { continue }
                let share = width > 0 ? count * overlap / width : count
                moved[target] += share
                placed += share
            }
            moved[bounds.count] += max(0, count - placed)
        }
        return BucketCounts(moved)
    }
}
