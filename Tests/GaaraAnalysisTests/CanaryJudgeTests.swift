import Foundation
import GaaraRouterCore
import Testing

@testable import GaaraAnalysis

/// The judge on seeded synthetic traffic (fixed seeds, so every figure here is reproducible): the
/// guide's canary at 5% of 200 requests a second, judged every second.
struct CanaryJudgeTests {
    /// One simulated rollout: `seconds` of traffic, the judge asked after each; returns the verdict
    /// that ended it (or the deadline's) and the second it came.
    static func rollout(
        seed: UInt64, seconds: Int = 300, canaryRate: Double = 10, baselineRate: Double = 190, canaryErrors: Double, baselineErrors: Double,
        settings: JudgeSettings = JudgeSettings()
    ) -> (JudgeVerdict, Int) {
        var random = FastRandom(seed: seed)
        var judge = CanaryJudge(settings: settings)
        var canary = Proportion(events: 0, trials: 0)
        var baseline = Proportion(events: 0, trials: 0)
        for second in 1...seconds {
            for _ in 0..<Int(canaryRate) where Double.random(in: 0..<1, using: &random) < canaryErrors { canary.events += 1 }
            for _ in 0..<Int(baselineRate) where Double.random(in: 0..<1, using: &random) < baselineErrors { baseline.events += 1 }
            canary.trials += canaryRate
            baseline.trials += baselineRate
            let sample = JudgeSample(canary: canary, baseline: baseline)
            let verdict = second == seconds ? judge.deadline(sample) : judge.judge(sample)
            switch verdict {
            case .undecided: continue
            default: return (verdict, second)
            }
        }
        return (.undecided("never"), seconds)
    }

    static func failed(_ verdict: JudgeVerdict) -> Bool {
        if case .fail = verdict { return true }
        return false
    }

    static func passed(_ verdict: JudgeVerdict) -> Bool {
        if case .pass = verdict { return true }
        return false
    }

    @Test func anIdenticalCanaryIsAlmostNeverRolledBack() {
        // A/A: both versions at 1% errors. α = 1% bounds the false rollbacks per rollout.
        let outcomes = (0..<200).map { Self.rollout(seed: UInt64($0) + 1, canaryErrors: 0.01, baselineErrors: 0.01).0 }
        let falseRollbacks = outcomes.filter(Self.failed).count
        #expect(falseRollbacks <= 2, "\(falseRollbacks) of 200 identical canaries rolled back")
        #expect(outcomes.allSatisfy { Self.failed($0) || Self.passed($0) }, "every rollout ends in a decision")
    }

    @Test func aCanaryWithTenPercentErrorsIsStoppedWithinSeconds() {
        let outcomes = (0..<100).map { Self.rollout(seed: UInt64($0) + 1000, canaryErrors: 0.10, baselineErrors: 0.01) }
        #expect(outcomes.allSatisfy { Self.failed($0.0) }, "every broken canary is rolled back")
        let times = outcomes.map(\.1).sorted()
        // Argo's threshold analysis (1-minute interval, failureLimit 2) needs 3 minutes.
        #expect(times[times.count / 2] <= 30 && times.last! <= 90, "seconds to detect: median \(times[times.count / 2]), max \(times.last!)")
        guard case .fail(let finding) = outcomes[0].0 else { return }
        #expect(finding.metric.hasPrefix("error-rate") && finding.pValue <= 0.01 && finding.canary > finding.baseline, "\(finding)")
        #expect(finding.summary.contains("canary error rate"), "\(finding.summary)")
    }

    @Test func aHealthyCanaryIsPromotedBeforeItsPauseEnds() {
        let outcomes = (0..<100).map { Self.rollout(seed: UInt64($0) + 5000, seconds: 600, canaryErrors: 0.01, baselineErrors: 0.01) }
        #expect(outcomes.allSatisfy { Self.passed($0.0) }, "\(outcomes.filter { !Self.passed($0.0) }.map(\.0))")
        let times = outcomes.map(\.1).sorted()
        #expect(times[times.count / 2] < 300, "median seconds to promote: \(times[times.count / 2]) (a fixed pause would be 600)")
    }

    @Test func noTrafficIsInconclusiveNeverSuccess() {
        var judge = CanaryJudge()
        let idle = JudgeSample(canary: Proportion(events: 0, trials: 3), baseline: Proportion(events: 0, trials: 900))
        #expect(judge.judge(idle) == .undecided("3 of 50 canary requests so far"))
        guard case .inconclusive(let why) = judge.deadline(idle) else {
            Issue.record("an idle canary was not inconclusive")
            return
        }
        #expect(why.contains("3 requests, fewer than the 50 needed"))
    }

    @Test func theGuidesFivePercentLimitHoldsWithoutABaseline() {
        // The stable version fails just as often: the comparison sees no difference, the limit does.
        let outcome = Self.rollout(seed: 42, canaryErrors: 0.15, baselineErrors: 0.15)
        guard case .fail(let finding) = outcome.0 else {
            Issue.record("a canary at 15% errors passed: \(outcome)")
            return
        }
        #expect(finding.metric == "error-rate-limit" && finding.summary.contains("above the limit of 5.00%"), "\(finding)")
    }

    @Test func slowerAnswersAreCaughtByTheRankTest() {
        // Buckets of 50 ms; the baseline mostly at 100 ms, the canary 200 ms later.
        var baseline = [Double](repeating: 0, count: 12)
        var canary = [Double](repeating: 0, count: 12)
        baseline[2] = 150
        baseline[3] = 40
        canary[6] = 50
        canary[7] = 10
        var judge = CanaryJudge()
        let verdict = judge.judge(
            JudgeSample(
                canary: Proportion(events: 0, trials: 60), baseline: Proportion(events: 0, trials: 190), canaryLatency: BucketCounts(canary),
                baselineLatency: BucketCounts(baseline)))
        guard case .fail(let finding) = verdict else {
            Issue.record("slower answers passed: \(verdict)")
            return
        }
        #expect(finding.metric == "latency" && finding.canary == 1, "\(finding)")

        // The same distribution in both: P(slower) is one half, with ties counted half.
        let alike = LatencyEvidence(canary: BucketCounts([1, 2, 3]), baseline: BucketCounts([2, 4, 6]), tau2: 0.01, margin: 0.05)
        #expect(abs(alike.slower - 0.5) < 1e-12 && alike.worse == 1)
    }

    @Test func theLikelihoodRatioIsOneWithoutInformationAndGrowsWithEvidence() {
        #expect(MixtureSPRT.likelihoodRatio(estimate: 0.1, variance: 0, tau2: 0.01) == 1)
        let weak = MixtureSPRT.likelihoodRatio(estimate: 0.05, variance: 0.001, tau2: 0.0004)
        let strong = MixtureSPRT.likelihoodRatio(estimate: 0.05, variance: 0.0001, tau2: 0.0004)
        #expect(weak < strong && strong > 100, "\(weak) \(strong)")
        #expect(MixtureSPRT.likelihoodRatio(estimate: 0, variance: 0.0001, tau2: 0.0004) < 1, "no difference: evidence for the null")
    }
}

/// Kayenta's scorecard on top of the sequential tests: a metric left out of `critical` found worse
/// is High and lowers a weighted score instead of rolling back at once.
struct JudgeScorecardTests {
    /// A canary as reliable as its baseline but ~200 ms slower, judged each second until a verdict.
    static func slowCanary(_ settings: JudgeSettings) -> JudgeVerdict {
        var judge = CanaryJudge(settings: settings)
        for second in 1...600 {
            let n = Double(second)
            var canary = [Double](repeating: 0, count: 12)
            var baseline = [Double](repeating: 0, count: 12)
            baseline[2] = 150 * n
            baseline[3] = 40 * n
            canary[6] = 8 * n
            canary[7] = 2 * n
            let verdict = judge.judge(
                JudgeSample(
                    canary: Proportion(events: 0, trials: 10 * n), baseline: Proportion(events: 0, trials: 190 * n),
                    canaryLatency: BucketCounts(canary), baselineLatency: BucketCounts(baseline)))
            if case .undecided = verdict { continue }
            return verdict
        }
        return .undecided("never")
    }

    static func scored(weights: [String: Double]) -> JudgeSettings {
        var settings = JudgeSettings()
        settings.critical = ["error-rate"]
        settings.weights = weights
        return settings
    }

    @Test func aCriticalMetricStillRollsBackAtOnce() {
        guard case .fail(let finding) = Self.slowCanary(JudgeSettings()) else {
            Issue.record("a slow canary passed with latency critical")
            return
        }
        #expect(finding.metric == "latency")
    }

    @Test func equalWeightsScoreFiftyAndFail() {
        guard case .fail(let finding) = Self.slowCanary(Self.scored(weights: [:])) else {
            Issue.record("score 50 did not fail")
            return
        }
        #expect(finding.metric == "score" && finding.canary == 50, "\(finding)")
        #expect(
            finding.summary.hasPrefix("the canary's score 50 of 100 (error-rate pass, latency high; pass at 95, marginal at 75) is below"),
            "\(finding.summary)")
        #expect(finding.summary.contains("slower than the stable version's"), "\(finding.summary)")
    }

    @Test func aMarginalScoreAsksAPerson() {
        let verdict = Self.slowCanary(Self.scored(weights: ["error-rate": 4, "latency": 1]))
        guard case .inconclusive(let why) = verdict else {
            Issue.record("score 80 was not marginal: \(verdict)")
            return
        }
        #expect(why.hasPrefix("marginal score 80 of 100 (error-rate pass, latency high"), "\(why)")
    }

    @Test func aHighScorePassesWithTheHighMetricOnRecord() {
        let verdict = Self.slowCanary(Self.scored(weights: ["error-rate": 19, "latency": 1]))
        guard case .pass(let findings) = verdict else {
            Issue.record("score 95 did not pass: \(verdict)")
            return
        }
        #expect(findings.map(\.metric) == ["error-rate", "latency", "score"], "\(findings)")
        #expect(findings.last?.canary == 95)
    }
}
