import Testing

@testable import GaaraAnalysis

/// Kayenta's per-metric classes on the judge's findings: High for worse, Pass, and Low for a canary
/// significantly better (a pass: for error rates and latency only higher is worse).
struct JudgeClassificationTests {
    /// Judges growing samples, one second of traffic at a time, until a verdict.
    static func verdict(canaryErrors: Double, baselineErrors: Double, canary: [Double: Double], baseline: [Double: Double]) -> JudgeVerdict {
        var judge = CanaryJudge()
        for second in 1...600 {
            let n = Double(second)
            let canaryCounts = LatencyAllowanceTests.at(canary.mapValues { $0 * n })
            let baselineCounts = LatencyAllowanceTests.at(baseline.mapValues { $0 * n })
            let verdict = judge.judge(
                JudgeSample(
                    canary: Proportion(events: canaryErrors * canaryCounts.total, trials: canaryCounts.total),
                    baseline: Proportion(events: baselineErrors * baselineCounts.total, trials: baselineCounts.total), canaryLatency: canaryCounts,
                    baselineLatency: baselineCounts, latencyBoundsMs: LatencyAllowanceTests.bounds))
            if case .undecided = verdict { continue }
            return verdict
        }
        return .undecided("never")
    }

    @Test func aCanaryWithFewerErrorsAndFasterAnswersIsLowOnBoth() {
        // The stable version fails 4% and answers in ~100 ms; the canary (a third of the traffic) fails
        // none and answers in ~25 ms.
        let verdict = Self.verdict(canaryErrors: 0, baselineErrors: 0.04, canary: [25: 100], baseline: [100: 190])
        guard case .pass(let findings) = verdict else {
            Issue.record("a better canary was not passed: \(verdict)")
            return
        }
        #expect(findings.map(\.classification) == ["low", "low"], "\(findings.map(\.summary))")
        #expect(findings.first?.summary.contains("is lower than the stable version's 4.00% (Low: a pass)") == true, "\(findings)")
        #expect(findings.last?.summary.contains("faster than the stable version's by more than 10 ms or 20%") == true, "\(findings)")
    }

    @Test func alikeIsPassAndWorseIsHigh() {
        let alike = Self.verdict(canaryErrors: 0.01, baselineErrors: 0.01, canary: [100: 20], baseline: [100: 190])
        guard case .pass(let findings) = alike else {
            Issue.record("an identical canary was not passed: \(alike)")
            return
        }
        #expect(findings.map(\.classification) == ["pass", "pass"], "\(findings.map(\.summary))")
        let slower = Self.verdict(canaryErrors: 0.01, baselineErrors: 0.01, canary: [300: 20], baseline: [100: 190])
        guard case .fail(let finding) = slower else {
            Issue.record("a slower canary was not failed: \(slower)")
            return
        }
        #expect(finding.classification == "high" && finding.metric == "latency")
    }
}
