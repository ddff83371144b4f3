import Foundation
import GaaraDeployCore
import Testing

/// A release's decision evidence: canonical bytes (what is signed) and its text for people.
struct DecisionEvidenceTests {
    static func evidence() -> DecisionEvidence {
        var run = MetricRun(metrics: [AnalysisMetric(name: "e2e", provider: .command("x", timeout: 1))], started: MetricRunTests.t0)
        run.record("e2e", MetricMeasurement(phase: .failed, value: "\"broken\"", message: "success condition is false", finished: MetricRunTests.t0))
        return DecisionEvidence(
            environment: "production", service: "web", release: "web-7", artifact: "registry/web@sha256:ab", stableRelease: "web-6",
            outcome: "aborted: analysis failed",
            decisions: [
                DecisionEvidence.Decision(
                    time: MetricRunTests.t0, step: "request", outcome: "requested", by: "operator", detail: "deploy requested by ana"),
                DecisionEvidence.Decision(
                    time: MetricRunTests.t0.addingTimeInterval(12), step: "analysis for up to 5m", outcome: "failed", by: "judge",
                    detail: "canary error rate 10.00% is higher",
                    statistics: [
                        DecisionEvidence.Statistic(
                            metric: "error-rate", canary: 0.1, baseline: 0.001, pValue: 0.0002, canaryRequests: 160, baselineRequests: 3000)
                    ], metrics: run.metrics),
            ])
    }

    @Test func theCanonicalBytesAreStableAndRoundTrip() throws {
        let evidence = Self.evidence()
        let bytes = try evidence.canonicalJSON()
        #expect(try evidence.canonicalJSON() == bytes, "the same evidence always signs the same")
        #expect(try DecisionEvidence.decode(canonical: bytes) == evidence)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"time\":\"2027-01-15T08:00:00Z\""), "ISO 8601 times: \(text.prefix(300))")
        #expect(text.firstRange(of: "\"artifact\"")!.lowerBound < text.firstRange(of: "\"decisions\"")!.lowerBound, "sorted keys")
    }

    @Test func theTextNamesEachDecisionWithItsFigures() {
        let text = Self.evidence().text
        #expect(text.hasPrefix("web-7 (web in production, registry/web@sha256:ab) against web-6\noutcome: aborted: analysis failed"), "\(text)")
        #expect(text.contains("2027-01-15T08:00:12Z  analysis for up to 5m: failed by judge"), "\(text)")
        #expect(text.contains("error-rate: canary 0.1000, baseline 0.0010, p ≤ 0.0002, n = 160 / 3000"), "\(text)")
        #expect(text.contains("metric 'e2e': failed (failed)\n      last value: \"broken\""), "\(text)")
    }
}
