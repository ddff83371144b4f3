import Testing

@testable import GaaraAnalysis

/// The latency allowance: a canary a few milliseconds slower than a fast baseline is alike (a fresh
/// process on a busy machine), one slower by more than the allowance is worse, on the router's buckets.
struct LatencyAllowanceTests {
    /// The router's bucket bounds (ms) and a histogram with `count` answers in the bucket ending at `ms`.
    static let bounds: [Double] = [0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300]
    static func at(_ ms: [Double: Double]) -> BucketCounts {
        var counts = [Double](repeating: 0, count: bounds.count + 1)
        for (bound, count) in ms { counts[bounds.firstIndex(of: bound) ?? bounds.count] += count }
        return BucketCounts(counts)
    }

    /// Judges a canary against a baseline growing by one second of traffic at a time until a verdict.
    static func verdict(canary: [Double: Double], baseline: [Double: Double], bounds: [Double]? = Self.bounds) -> JudgeVerdict {
        var judge = CanaryJudge()
        for second in 1...600 {
            let n = Double(second)
            let canaryCounts = at(canary.mapValues { $0 * n })
            let baselineCounts = at(baseline.mapValues { $0 * n })
            let verdict = judge.judge(
                JudgeSample(
                    canary: Proportion(events: 0, trials: canaryCounts.total), baseline: Proportion(events: 0, trials: baselineCounts.total),
                    canaryLatency: canaryCounts, baselineLatency: baselineCounts, latencyBoundsMs: bounds))
            if case .undecided = verdict { continue }
            return verdict
        }
        return .undecided("never")
    }

    @Test func theLimitIsTheLargerOfTheAbsoluteAndRelativeAllowance() {
        let allowance = LatencyAllowance(milliseconds: 10, ratio: 0.2)
        #expect(allowance.limit(1) == 11)
        #expect(allowance.limit(200) == 240)
    }

    @Test func movingCountsKeepsTheirTotalAndMovesThemUp() {
        let baseline = Self.at([1: 100, 2: 50, 300: 7, 1000: 3])
        let moved = baseline.allowing(LatencyAllowance(milliseconds: 10, ratio: 0.2), bounds: Self.bounds)
        #expect(abs(moved.total - baseline.total) < 1e-9)
        // (0.5, 1] ms moves to (10.5, 11] and (1.5, 2] to (11.5, 12]: all in the bucket (10, 12].
        #expect(moved.counts[Self.bounds.firstIndex(of: 12)!] == 150)
        #expect(moved.counts[..<Self.bounds.firstIndex(of: 10)!].allSatisfy { $0 == 0 }, "nothing stays below 10 ms")
        // (250, 300] moves to (300, 360]: beyond the last bound, with what was already there.
        #expect(moved.counts[Self.bounds.count] == 10)
        // Counts of another length are left alone.
        #expect(BucketCounts([1, 2]).allowing(LatencyAllowance(), bounds: Self.bounds) == BucketCounts([1, 2]))
    }

    @Test func aCanaryAFewMillisecondsSlowerThanAFastBaselineIsPromoted() {
        // Baseline ~1 ms, canary ~3 ms: the rank test alone calls it slower every time.
        let canary: [Double: Double] = [3: 8, 4: 2]
        let baseline: [Double: Double] = [1: 150, 1.5: 40]
        guard case .pass = Self.verdict(canary: canary, baseline: baseline) else {
            Issue.record("a canary 2 ms slower was not promoted: \(Self.verdict(canary: canary, baseline: baseline))")
            return
        }
        // Without bounds (no allowance) the same canary is slower: what the allowance is for.
        guard case .fail(let finding) = Self.verdict(canary: canary, baseline: baseline, bounds: nil) else {
            Issue.record("without the allowance the slower canary passed")
            return
        }
        #expect(finding.metric == "latency")
    }

    @Test func aCanarySlowerByMoreThanTheAllowanceFails() {
        // Baseline ~1 ms, canary ~25 ms; and a 100 ms service whose canary takes 150 ms (+50%).
        for (canary, baseline) in [([25.0: 10.0], [1.0: 190.0]), ([150: 10], [100: 190])] {
            guard case .fail(let finding) = Self.verdict(canary: canary, baseline: baseline) else {
                Issue.record("a canary slower beyond the allowance passed: \(Self.verdict(canary: canary, baseline: baseline))")
                continue
            }
            #expect(finding.metric == "latency")
            #expect(finding.summary.contains("by more than 10 ms or 20%"), "\(finding.summary)")
        }
    }

    @Test func aCanaryWithinTheRelativeAllowanceOfASlowServiceIsPromoted() {
        // 100 ms against 120 ms (+20%, within the allowance's 20 ms).
        guard case .pass = Self.verdict(canary: [120: 10], baseline: [100: 190]) else {
            Issue.record("a canary within 20% was not promoted")
            return
        }
    }
}
