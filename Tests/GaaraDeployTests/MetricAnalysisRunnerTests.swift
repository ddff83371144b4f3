import Foundation
import GaaraDeployCore
import GaaraExpressions
import Synchronization
import Testing

@testable import GaaraDeploy

/// The runner's analysis metrics over fake traffic and a scripted measurer: how a metric's end
/// becomes the step's (next step, abort, or a hold), next to the judge, in steps and in the bake.
@Suite(.timeLimit(.minutes(1)))
struct MetricAnalysisRunnerTests {
    static let steps: [RolloutStep] = [.start(hosts: ["a"]), .route(weight: 5), .analyze(seconds: 30), .route(weight: 100)]

    /// What the runner asked people about (its holds).
    final class Asked: Sendable {
        let reasons = Mutex<[String]>([])
    }

    static func runner(
        _ traffic: RecordingTraffic, metrics: [AnalysisMetric], judge: Bool = true, measurer: RecordingMetricMeasurer = .init(answers: [:]),
        steps: [RolloutStep] = steps, asked: Asked = Asked()
    ) -> RolloutRunner {
        var settings = CanaryAnalysisSettings()
        settings.initialDelay = 0
        settings.judge = judge
        settings.metrics = metrics
        return RolloutRunner(
            service: "web", candidate: RolloutRunnerTests.candidate, stable: RolloutRunnerTests.stable, steps: steps,
            targets: ["a": RecordingTarget()], traffic: traffic, probe: ScriptedProbe(), health: RolloutRunnerTests.fast,
            stateFile: RolloutRunnerTests.stateFile(), analysis: settings, analysisInterval: 0.01, measurer: measurer,
            repository: URL(fileURLWithPath: "/srv/repo"), onHold: { why in asked.reasons.withLock { $0.append(why) } })
    }

    static func ok(_ result: ExpressionValue) -> Result<[String: ExpressionValue], MeasurementProblem> { .success(["result": result]) }

    static func reason(_ outcome: RolloutAction.Outcome) -> String? {
        guard case .aborted(let reason) = outcome else { return nil }
        return reason
    }

    @Test func aFailingCommandMetricRollsTheCanaryBackAndSaysWhy() async throws {
        let traffic = RecordingTraffic()
        AnalysisRunnerTests.feed(traffic, canary: (10, 0), stable: (190, 0))
        let measurer = RecordingMetricMeasurer(answers: ["e2e": [.success(["result": .string("checkout broken"), "exit_code": .number(1)])]])
        let metric = AnalysisMetric(name: "e2e", provider: .command("scripts/e2e.sh", timeout: 5), successCondition: "exit_code == 0")
        let runner = Self.runner(traffic, metrics: [metric], measurer: measurer)
        let outcome = try await runner.run()
        let reason = try #require(Self.reason(outcome), "\(outcome)")
        #expect(reason.contains("metric 'e2e' (command) failed: 1 of 1 measurements failed (failure limit 0)"), "\(reason)")
        // The decision is kept with what it was made on: the metric's measurement and its value.
        let decision = try #require(await runner.decisions.last)
        #expect(decision.step == "analysis for up to 30 s" && decision.outcome == "failed" && decision.by == "metrics", "\(decision)")
        #expect(decision.metrics.first?.measurements.first?.value == "\"checkout broken\"", "\(decision.metrics)")
        #expect(reason.contains("success condition 'exit_code == 0' is false"), "\(reason)")
        #expect(traffic.changes.map(\.weight) == [5, 0, 0])
        let asked = await measurer.asked
        #expect(asked.first?.scope.release == "web-2" && asked.first?.scope.stableRelease == "web-1", "\(asked)")
        #expect(asked.first?.scope.repository.path == "/srv/repo")
    }

    @Test func theStepWaitsForItsCountedMetricsEvenWhenTheJudgeHasPassed() async throws {
        let traffic = RecordingTraffic()
        AnalysisRunnerTests.feed(traffic, canary: (10, 0), stable: (190, 0))
        let measurer = RecordingMetricMeasurer(answers: ["checkout": [Self.ok(.object([("ok", .bool(true))]))]])
        let metric = AnalysisMetric(
            name: "checkout", provider: .http(.init(url: "$GAARA_RELEASE_URL/checkout")), interval: 0.05, count: 4, successCondition: "result.ok")
        let runner = Self.runner(traffic, metrics: [metric], measurer: measurer)
        #expect(try await runner.run() == .succeeded(warnings: []))
        #expect(await measurer.asked.count == 4, "every measurement of its count was taken")
        let findings = await runner.analysisFindings
        #expect(findings.first?.contains("metric 'checkout' (http) successful: 4 of 4 measurements successful") == true, "\(findings)")
        #expect(findings.first?.hasPrefix("analysis passed: canary error rate") == true, "the judge's finding too: \(findings)")
    }

    @Test func noDataIsInconclusiveAndHoldsTheRolloutForAPerson() async throws {
        let traffic = RecordingTraffic()
        AnalysisRunnerTests.feed(traffic, canary: (10, 0), stable: (190, 0))
        let measurer = RecordingMetricMeasurer(answers: ["p99": [.failure(.noData("the query returned no series"))]])
        let metric = AnalysisMetric(
            name: "p99", provider: .prometheus(address: "http://p", query: "q", timeout: 1), failureCondition: "result[0] > 1")
        let asked = Asked()
        let runner = Self.runner(traffic, metrics: [metric], measurer: measurer, asked: asked)
        let run = Task { try await runner.run() }
        while await runner.state.phase != .paused { try await Task.sleep(for: .milliseconds(10)) }
        // People are asked to decide (the deployer notifies its channels).
        while asked.reasons.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(
            asked.reasons.withLock { $0 }.first?.hasPrefix("analysis for up to 30 s held (inconclusive): metric 'p99' (prometheus) inconclusive")
                == true,
            "\(asked.reasons.withLock { $0 })")
        let log = await runner.state.log
        #expect(log.last?.contains("inconclusive: metric 'p99' (prometheus) inconclusive") == true, "\(log)")
        #expect(log.last?.contains("the query returned no series") == true, "\(log)")
        #expect(traffic.changes.map(\.weight) == [5], "the traffic stays where it was")
        await runner.send(.promote(full: false))
        #expect(try await run.value == .succeeded(warnings: []))
    }

    @Test func errorsBeyondTheConsecutiveLimitRollBack() async throws {
        let traffic = RecordingTraffic()
        AnalysisRunnerTests.feed(traffic, canary: (10, 0), stable: (190, 0))
        let measurer = RecordingMetricMeasurer(answers: ["api": [.failure(.failed("GET http://x answered 502"))]])
        let metric = AnalysisMetric(name: "api", provider: .http(.init(url: "http://x")), interval: 0.01, count: 3, consecutiveErrorLimit: 2)
        let reason = try #require(Self.reason(try await Self.runner(traffic, metrics: [metric], measurer: measurer).run()))
        #expect(
            reason.contains("metric 'api' (http) error: 3 errors in a row (consecutive error limit 2); last: GET http://x answered 502"), "\(reason)")
    }

    @Test func aRouterMetricReadsBothReleasesWindows() async throws {
        let traffic = RecordingTraffic()
        AnalysisRunnerTests.feed(traffic, canary: (10, 1), stable: (190, 0))
        // The judge is off: only the metric can stop this canary.
        let metric = AnalysisMetric(
            name: "errors", interval: 0.1, count: 5, successCondition: "result.canary.error_rate < 0.05 && result.difference.error_rate < 0.05")
        let outcome = try await Self.runner(traffic, metrics: [metric], judge: false).run()
        let reason = try #require(Self.reason(outcome), "\(outcome)")
        #expect(reason.contains("metric 'errors' (router) failed"), "\(reason)")
        #expect(reason.contains("\"error_rate\":0.1"), "the window's figures: \(reason)")
    }

    @Test func aDryRunMetricIsRecordedButDecidesNothing() async throws {
        let traffic = RecordingTraffic()
        AnalysisRunnerTests.feed(traffic, canary: (10, 0), stable: (190, 0))
        let measurer = RecordingMetricMeasurer(answers: ["new-check": [Self.ok(.number(9))]])
        let metric = AnalysisMetric(name: "new-check", provider: .command("x", timeout: 1), failureCondition: "result > 1", dryRun: true)
        let runner = Self.runner(traffic, metrics: [metric], measurer: measurer)
        #expect(try await runner.run() == .succeeded(warnings: []))
        let findings = await runner.analysisFindings
        #expect(findings.first?.contains("metric 'new-check' (command) [dry run] failed") == true, "\(findings)")
    }

    @Test func aMetricFailingDuringTheBakeSendsTheTrafficBack() async throws {
        let traffic = RecordingTraffic()
        AnalysisRunnerTests.feed(traffic, canary: (200, 0), stable: (0, 0))
        let measurer = RecordingMetricMeasurer(answers: ["queue": [Self.ok(.number(3)), Self.ok(.number(3)), Self.ok(.number(900))]])
        let metric = AnalysisMetric(name: "queue", provider: .command("x", timeout: 1), interval: 0.02, failureCondition: "result > 100")
        let runner = Self.runner(
            traffic, metrics: [metric], measurer: measurer, steps: [.start(hosts: ["a"]), .route(weight: 100), .bake(seconds: 30)])
        let reason = try #require(Self.reason(try await runner.run()))
        #expect(reason.hasPrefix("bake 30 s (health and error rate watched) failed: metric 'queue' (command) failed"), "\(reason)")
        #expect(reason.contains("failure condition 'result > 100' is true (result 900)"), "\(reason)")
        #expect(traffic.changes.map(\.weight) == [100, 0, 0])
    }
}
