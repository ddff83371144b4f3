import GaaraRouterCore
import Testing

/// The active-users counter: exact for a handful of clients, within the HyperLogLog's error for
/// many, unchanged by repeats, and merging minutes into their union. The keys are fixed strings, so
/// every figure here is deterministic; the bounds are still five standard errors (5 × 1.6% = 8%).
struct DistinctCounterTests {
    static func counter(_ keys: some Sequence<String>) -> DistinctCounter {
        var counter = DistinctCounter()
        for key in keys { counter.insert(hash: DistinctCounter.hash(key)) }
        return counter
    }

    @Test func aFewClientsAreCountedExactlyAndRepeatsOnce() {
        #expect(DistinctCounter().estimate == 0 && DistinctCounter().isEmpty)
        #expect(Self.counter(["4821-a1"]).estimate == 1)
        let three = Self.counter(["4821-a1", "17-b2", "9999-c3", "4821-a1", "17-b2", "4821-a1"])
        #expect(three.estimate == 3, "repeat visits are one client")
        // Linear counting's standard deviation at 100 clients in 4,096 registers is about 1.1.
        let hundred = Self.counter((0..<100).map { "client-\($0)" }).estimate
        #expect(abs(hundred - 100) <= 6, "\(hundred)")
    }

    @Test func manyClientsAreWithinFiveStandardErrors() {
        for count in [1_000, 20_000, 60_000] {
            let estimate = Self.counter((0..<count).map { "gaara_bucket=\($0 % 10_000)-\($0)" }).estimate
            let error = abs(Double(estimate - count)) / Double(count)
            #expect(error < 0.08, "\(count) clients estimated as \(estimate) (\(error * 100)% off)")
        }
    }

    @Test func minutesMergeIntoTheirUnion() {
        var first = Self.counter((0..<5_000).map { "user-\($0)" })
        let second = Self.counter((2_500..<7_500).map { "user-\($0)" })
        first.merge(second)
        #expect(abs(Double(first.estimate - 7_500)) / 7_500 < 0.08, "\(first.estimate)")
        var empty = DistinctCounter()
        empty.merge(second)
        #expect(empty == second, "merging into an empty counter copies")
        first.merge(DistinctCounter())
        #expect(abs(Double(first.estimate - 7_500)) / 7_500 < 0.08, "merging an empty counter changes nothing")
    }

    @Test func theHashSpreadsSimilarKeysOverTheRegisters() {
        // Keys differing in their last character must not share the high bits FNV-1a leaves alike.
        let prefixes = Set((0..<64).map { DistinctCounter.hash("4821-client-\($0)") >> 52 })
        #expect(prefixes.count > 50, "\(prefixes.count) of 64 keys chose distinct registers")
    }
}
