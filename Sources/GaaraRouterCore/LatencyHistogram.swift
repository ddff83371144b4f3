/// A log-linear latency histogram in the manner of HdrHistogram: values (microseconds) fall in
/// power-of-two ranges, each split into 64 equal sub-buckets, so any recorded value is known to
/// within 1/64 (1.6%) of itself. Fixed memory (2,560 counters), O(1) recording, mergeable.
public struct LatencyHistogram: Sendable, Equatable {
    static let subBucketBits = 6
    static let subBuckets = 1 << subBucketBits
    /// Ranges: [0, 64) exactly, then [64·2^k, 64·2^(k+1)) for k in 0..<39 (up to ~9.7 hours in µs).
    static let ranges = 40

    private(set) var counts: [UInt64]
    /// Number of recorded values.
    public private(set) var count: UInt64 = 0
    /// Sum of recorded values (µs), for the mean.
    public private(set) var sum: UInt64 = 0
    /// Largest recorded value.
    public private(set) var max: UInt64 = 0

    /// An empty histogram.
    public init() {
        counts = [UInt64](repeating: 0, count: Self.ranges * Self.subBuckets)
    }

    static func index(of value: UInt64) -> Int {
        if value < UInt64(subBuckets) { return Int(value) }
        let magnitude = 63 - value.leadingZeroBitCount  // floor(log2(value)), ≥ 6
        let range = magnitude - subBucketBits + 1
        let sub = Int(value >> UInt64(magnitude - subBucketBits)) - subBuckets
        return Swift.min(range, ranges - 1) * subBuckets + sub
    }

    /// The highest value that lands in bucket `index` (what percentiles report).
    static func upperBound(of index: Int) -> UInt64 {
        let range = index / subBuckets
        let sub = UInt64(index % subBuckets)
        if range == 0 { return sub }
        let shift = UInt64(range - 1)
        return ((UInt64(subBuckets) + sub + 1) << shift) - 1
    }

    /// The counts of values at most each of `bounds` (microseconds, ascending) and above the one
    /// before, then of the values above the last: each fine bucket goes where its upper bound falls.
    public func coarse(boundsMicros bounds: [UInt64]) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: bounds.count + 1)
        for (index, count) in counts.enumerated() where count > 0 {
            let upper = Self.upperBound(of: index)
            let slot = bounds.firstIndex { upper <= $0 } ?? bounds.count
            result[slot] &+= count
        }
        return result
    }

    /// Records one value (microseconds).
    public mutating func record(_ value: UInt64) {
        counts[Self.index(of: value)] &+= 1
        count &+= 1
        sum &+= value
        if value > max { max = value }
    }

    /// Adds every value of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices where other.counts[index] > 0 { counts[index] &+= other.counts[index] }
        count &+= other.count
        sum &+= other.sum
        max = Swift.max(max, other.max)
    }

    /// The value at percentile `p` (0–100): the upper bound of the bucket holding it, never above
    /// the largest value; 0 when empty.
    public func percentile(_ p: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((p / 100 * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, bucket) in counts.enumerated() where bucket > 0 {
            seen += bucket
            // The last range also holds everything beyond it: report the largest value there.
            if seen >= rank { return index >= (Self.ranges - 1) * Self.subBuckets ? max : Swift.min(Self.upperBound(of: index), max) }
        }
        return max
    }

    /// The mean in microseconds.
    public var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }
}
