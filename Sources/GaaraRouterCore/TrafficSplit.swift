/// Splits traffic between a service's target groups by weight, with sticky buckets.
///
/// Each request gets a bucket in 0..<10,000: from a stable hash of its sticky key (a cookie or a
/// header), or at random without one. Groups own consecutive bucket ranges in a fixed order, the
/// last group taking the low buckets; when a later group's weight rises its range only grows, so
/// a client that moved to the canary never moves back while the rollout goes on.
public struct TrafficSplit: Sendable, Equatable {
    /// Group names and weights, in rollout order (e.g. `stable` then `canary`).
    public let weights: [(name: String, weight: Int)]

    /// Creates a split; weights are clamped to 0–100 and need not sum to 100 (they are normalised).
    public init(_ weights: [(name: String, weight: Int)]) {
        self.weights = weights.map { ($0.name, Swift.min(Swift.max($0.weight, 0), 100)) }
        live = self.weights.filter { $0.weight > 0 }
        total = live.reduce(0) { $0 + $1.weight }
    }

    /// The groups with a weight above zero, and their sum (worked out once, read per request).
    private let live: [(name: String, weight: Int)]
    private let total: Int

    /// Compares names and weights.
    public static func == (lhs: TrafficSplit, rhs: TrafficSplit) -> Bool {
        lhs.weights.map(\.name) == rhs.weights.map(\.name) && lhs.weights.map(\.weight) == rhs.weights.map(\.weight)
    }

    /// Whether any group has a weight above 0 (with none, no request has a group to go to).
    public var carriesTraffic: Bool { total > 0 }

    /// Buckets per request space.
    public static let buckets = 10_000

    /// The stable bucket of a sticky key (FNV-1a, 64 bit).
    public static func bucket(forKey key: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int(hash % UInt64(buckets))
    }

    /// The group that owns `bucket`, nil when every weight is 0. Groups with weight 0 own nothing.
    public func group(forBucket bucket: Int) -> String? {
        guard total > 0 else { return nil }
        // From the top: the first group holds the highest buckets; the last takes what remains.
        var upper = Self.buckets
        for entry in live.dropLast() {
            upper -= Self.buckets * entry.weight / total
            if bucket >= upper { return entry.name }
        }
        return live.last?.name
    }
}
