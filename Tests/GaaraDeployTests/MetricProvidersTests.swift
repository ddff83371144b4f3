import Foundation
import GaaraDeployCore
import GaaraExpressions
import GaaraHTTP
import GaaraTestSupport
import Synchronization
import Testing

@testable import GaaraDeploy

/// The analysis metrics' real providers: a real Prometheus (Debian's) scraping Gaara's real router
/// under `wrk` rolls back a canary answering 10% errors and passes a healthy one; HTTP checks
/// against a real server; commands in a real shell.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct MetricProvidersTests {
    /// The Prometheus a test started (to stop it at the end).
    final class Started: Sendable {
        let prometheus = Mutex<PrometheusTestServer?>(nil)
    }

    /// The share of the new release's answers that were 5xx over the last 5 s, as the router's
    /// counters scraped by Prometheus say.
    static let errorRatio =
        "sum(rate(gaara_router_requests_total{service=\"web\",group=\"$GAARA_RELEASE\",class=\"5xx\"}[5s]))"
        + " / sum(rate(gaara_router_requests_total{service=\"web\",group=\"$GAARA_RELEASE\"}[5s]))"

    /// Analysis settings with the judge off (only the metrics decide) and a Prometheus metric over the
    /// canary's error ratio; Prometheus is started for the router and stopped by the caller through `started`.
    static func settings(
        count: Int, extra: @escaping @Sendable (String) -> [AnalysisMetric] = { _ in [] }, started: Started
    ) -> @Sendable (ZeroLossRolloutTests.Router, URL) async throws -> CanaryAnalysisSettings {
        { router, root in
            let prometheus = try await PrometheusTestServer.start(
                in: root, scraping: router.admin.endpoint, token: "scrape-token", job: "gaara-router")
            started.prometheus.withLock { $0 = prometheus }
            var settings = CanaryAnalysisSettings()
            settings.judge = false
            settings.metrics =
                [
                    AnalysisMetric(
                        name: "error-ratio", provider: .prometheus(address: prometheus.address, query: errorRatio, timeout: 5), interval: 2,
                        count: count,
                        // The canary's series exist only once Prometheus has scraped its first answers: until
                        // then the query has no data (Inconclusive), which the limit tolerates.
                        initialDelay: 4, failureCondition: "result[0] > 0.05", inconclusiveLimit: 20)
                ] + extra(prometheus.address)
            return settings
        }
    }

    @Test func prometheusOnTheRoutersCountersRollsBackACanaryAnswering10PercentErrors() async throws {
        let started = Started()
        defer { started.prometheus.withLock { $0?.stop() } }
        let result = try await CanaryAnalysisTests.canary(
            ["FAIL_EVERY": "10"], analysisSeconds: 300, adminToken: "scrape-token", analysis: Self.settings(count: 10, started: started))
        print("prometheus, 10% errors: \(result.outcome) after \(String(format: "%.1f", result.seconds)) s")
        guard case .aborted(let reason) = result.outcome else {
            Issue.record("not rolled back: \(result.outcome) \(result.findings)")
            return
        }
        #expect(reason.contains("metric 'error-ratio' (prometheus) failed: 1 of"), "\(reason)")
        // Every 10th answer of the canary fails: the ratio Prometheus computes is about 0.1. On a loaded
        // machine a 5 s window may hold only a dozen canary answers, whose exact ratio can then be
        // 2 in 10: the bounds allow that, not a ratio far from the truth (0.5 or 1).
        let measured = reason.components(separatedBy: "is true (result [").last.flatMap { Double($0.prefix { $0 != "]" }) }
        #expect(measured.map { (0.05...0.25).contains($0) } == true, "\(reason)")
        #expect(result.seconds < 150, "decided by the metric, not the 300 s step: \(result.seconds) s")
        #expect(result.running == ["web-1"], "the canary is stopped: \(result.running)")
    }

    @Test func aHealthyCanaryPassesItsPrometheusHTTPAndCommandMetrics() async throws {
        let started = Started()
        defer { started.prometheus.withLock { $0?.stop() } }
        let extra: @Sendable (String) -> [AnalysisMetric] = { prometheus in
            [
                // A real HTTP check: Prometheus's own build information, JSON.
                AnalysisMetric(
                    name: "prometheus-up", provider: .http(.init(url: prometheus + "/api/v1/status/buildinfo")),
                    successCondition: "result.status == 'success' && status == 200"),
                // A real command, given the canary's own address: it answers with its release's name.
                AnalysisMetric(
                    name: "answers",
                    provider: .command(
                        "python3 -c 'import os, urllib.request; print(urllib.request.urlopen(os.environ[\"GAARA_RELEASE_URL\"] + \"/x\").read().decode())'",
                        timeout: 30), successCondition: "result == 'web-2' && exit_code == 0"),
            ]
        }
        let result = try await CanaryAnalysisTests.canary(
            [:], analysisSeconds: 300, adminToken: "scrape-token", analysis: Self.settings(count: 3, extra: extra, started: started))
        print("prometheus, healthy: \(result.outcome) after \(String(format: "%.1f", result.seconds)) s; \(result.findings)")
        #expect(result.outcome == .succeeded(warnings: []))
        let findings = result.findings.joined(separator: "\n")
        #expect(
            findings.contains("metric 'error-ratio' (prometheus) successful:") && findings.contains(" of 3 measurements successful"), "\(findings)")
        #expect(findings.contains("metric 'prometheus-up' (http) successful: 1 of 1"), "\(findings)")
        #expect(findings.contains("metric 'answers' (command) successful: 1 of 1"), "\(findings)")
        #expect(result.seconds < 150, "promoted once the metrics were done, not after the 300 s step: \(result.seconds) s")
    }

    @Test func commandsGetTheReleasesAndTheirOutputIsTheResult() async throws {
        let scope = MeasurementScope(
            service: "web", release: "web-2", stableRelease: "web-1", releaseURL: "http://127.0.0.1:1", stableURL: nil,
            repository: FileManager.default.temporaryDirectory)
        let measurer = LiveMetricMeasurer()
        let json = try await measurer.measure(
            AnalysisMetric(name: "m", provider: .command("echo noise >&2; echo \"{\\\"release\\\": \\\"$GAARA_RELEASE\\\"}\"; exit 3", timeout: 10)),
            scope: scope)
        #expect(json["result"]?["release"]?.stringValue == "web-2", "the last line is JSON: \(json)")
        if case .number(let code)? = json["exit_code"] { #expect(code == 3) } else { Issue.record("\(json)") }
        #expect(MeasurementClassifier.classify(json, metric: AnalysisMetric(name: "m", successCondition: "exit_code == 0")).0 == .failed)
        await #expect(throws: MeasurementProblem.self) {
            _ = try await measurer.measure(AnalysisMetric(name: "slow", provider: .command("sleep 30", timeout: 0.5)), scope: scope)
        }
        #expect(scope.substitute("$GAARA_RELEASE_URL/x?r=${GAARA_RELEASE}") == "http://127.0.0.1:1/x?r=web-2")
    }
}
