import Foundation
import GaaraDeployCore
import Synchronization
import Testing

@testable import GaaraDeploy

/// The runner's analysis steps over fake traffic whose counts grow as a script says: the judge's
/// verdict becomes the step's end (next step, abort, or a hold a person ends).
@Suite(.timeLimit(.minutes(1)))
struct AnalysisRunnerTests {
    static let steps: [RolloutStep] = [.start(hosts: ["a"]), .route(weight: 5), .analyze(seconds: 30), .route(weight: 100)]

    /// Counts that grow at each read of the runner's: each read adds `stable` and `canary` requests
    /// with these error counts (the verdict depends on the reads, not on how fast a loaded machine ticks).
    static func feed(_ traffic: RecordingTraffic, canary: (Double, Double), stable: (Double, Double)) {
        traffic.grow(perRead: [
            "web-1": TrafficCounts(requests: stable.0, errors: stable.1),
            "web-2": TrafficCounts(requests: canary.0, errors: canary.1),
        ])
    }

    static func runner(_ traffic: RecordingTraffic, onFail: CanaryAnalysisSettings.OnFail = .rollback) -> RolloutRunner {
        var settings = CanaryAnalysisSettings()
        settings.onFail = onFail
        settings.initialDelay = 0
        return RolloutRunner(
            service: "web", candidate: RolloutRunnerTests.candidate, stable: RolloutRunnerTests.stable, steps: steps,
            targets: ["a": RecordingTarget()], traffic: traffic, probe: ScriptedProbe(), health: RolloutRunnerTests.fast,
            stateFile: RolloutRunnerTests.stateFile(), analysis: settings, analysisInterval: 0.01)
    }

    @Test func aCanaryWithTenPercentErrorsIsAbortedWithTheFigures() async throws {
        let traffic = RecordingTraffic()
        Self.feed(traffic, canary: (10, 1), stable: (190, 0))
        let runner = Self.runner(traffic)
        let outcome = try await runner.run()
        guard case .aborted(let reason) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(reason.hasPrefix("analysis for up to 30 s failed: canary error rate"), "\(reason)")
        #expect(reason.contains("requests, stable") && reason.contains("p ≤"), "\(reason)")
        #expect(traffic.changes.map(\.weight) == [5, 0, 0], "route 0, then the new release's group dropped")
        let decision = try #require(await runner.decisions.last)
        #expect(decision.by == "judge" && decision.outcome == "failed", "\(decision)")
        let statistic = try #require(decision.statistics.first)
        #expect(statistic.metric == "error-rate" && abs(statistic.canary - 0.1) < 0.01 && statistic.canaryRequests >= 50, "\(statistic)")
    }

    @Test func aHealthyCanaryPassesEarly() async throws {
        let traffic = RecordingTraffic()
        Self.feed(traffic, canary: (10, 0), stable: (190, 0))
        let runner = Self.runner(traffic)
        let started = Date()
        #expect(try await runner.run() == .succeeded(warnings: []))
        #expect(Date().timeIntervalSince(started) < 25, "before the 30 s step ended")
        #expect(traffic.changes.map(\.weight) == [5, 100])
        let findings = await runner.analysisFindings
        #expect(findings.first?.hasPrefix("analysis passed: canary error rate") == true, "\(findings)")
    }

    @Test func thePreRollbackHookRunsOnceBeforeTheTrafficMovesBackAndCannotBlockIt() async throws {
        let traffic = RecordingTraffic()
        Self.feed(traffic, canary: (10, 1), stable: (190, 0))
        let seen = Mutex<[(reason: String, weights: [Int], release: String)]>([])
        var settings = CanaryAnalysisSettings()
        settings.initialDelay = 0
        let runner = RolloutRunner(
            service: "web", candidate: RolloutRunnerTests.candidate, stable: RolloutRunnerTests.stable, steps: Self.steps,
            targets: ["a": RecordingTarget()], traffic: traffic, probe: ScriptedProbe(), health: RolloutRunnerTests.fast,
            stateFile: RolloutRunnerTests.stateFile(), analysis: settings, analysisInterval: 0.01,
            preRollback: { reason, scope in
                seen.withLock { $0.append((reason, traffic.changes.map(\.weight), scope.release)) }
                throw DeployTargetError("the down-migration failed")
            })
        guard case .aborted = try await runner.run() else {
            Issue.record("not rolled back")
            return
        }
        let calls = seen.withLock { $0 }
        #expect(calls.count == 1, "once")
        #expect(calls.first?.weights == [5], "before the traffic moved back")
        #expect(calls.first?.reason.contains("canary error rate") == true && calls.first?.release == "web-2", "\(calls)")
        #expect(traffic.changes.map(\.weight) == [5, 0, 0], "a failing hook does not block the rollback")
        let decision = await runner.decisions.first { $0.step == "pre-rollback hook" }
        #expect(decision?.outcome == "failed" && decision?.detail.contains("the down-migration failed") == true)
    }

    @Test func onFailPauseHoldsTheRolloutForAPerson() async throws {
        let traffic = RecordingTraffic()
        Self.feed(traffic, canary: (10, 1), stable: (190, 0))
        let runner = Self.runner(traffic, onFail: .pause)
        let run = Task { try await runner.run() }
        while await runner.state.phase != .paused { try await Task.sleep(for: .milliseconds(10)) }
        let log = await runner.state.log
        #expect(log.last?.contains("analysis failed (on-fail: pause holds the rollout)") == true, "\(log)")
        #expect(traffic.changes.map(\.weight) == [5], "traffic stays where it was")
        await runner.send(.abort(reason: "decided by hand"))
        #expect(try await run.value == .aborted(reason: "decided by hand"))
        let decisions = await runner.decisions
        #expect(decisions.map(\.outcome) == ["held (on-fail: pause)", "aborted"], "\(decisions)")
        #expect(decisions.last?.by == "operator" && decisions.last?.detail == "decided by hand")
    }

    @Test func aBakeWhoseHealthChecksFailSendsTheTrafficBack() async throws {
        let traffic = RecordingTraffic()
        // Healthy for its first checks (the rollout's own), then failing: during the bake.
        let probe = ScriptedProbe { _, count in count > 4 ? "GET /up: HTTP 503" : nil }
        let runner = RolloutRunner(
            service: "web", candidate: RolloutRunnerTests.candidate, stable: RolloutRunnerTests.stable,
            steps: [.start(hosts: ["a"]), .awaitHealthy(hosts: ["a"]), .route(weight: 100), .bake(seconds: 30), .stopOld(hosts: ["a"], after: 0)],
            targets: ["a": RecordingTarget()], traffic: traffic, probe: probe, health: RolloutRunnerTests.fast,
            stateFile: RolloutRunnerTests.stateFile(),
            analysisInterval: 0.01)
        let started = Date()
        let outcome = try await runner.run()
        guard case .aborted(let reason) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(reason.contains("failed its health checks during the bake (3 in a row): GET /up: HTTP 503"), "\(reason)")
        #expect(Date().timeIntervalSince(started) < 25, "long before the 30 s bake ended")
        #expect(traffic.changes.map(\.weight) == [100, 0, 0], "all traffic, then back to the old release")
    }

    @Test func aBakeWithErrorsAboveTheLimitSendsTheTrafficBack() async throws {
        let traffic = RecordingTraffic()
        Self.feed(traffic, canary: (200, 30), stable: (0, 0))
        let runner = RolloutRunner(
            service: "web", candidate: RolloutRunnerTests.candidate, stable: RolloutRunnerTests.stable,
            steps: [.start(hosts: ["a"]), .route(weight: 100), .bake(seconds: 30)], targets: ["a": RecordingTarget()], traffic: traffic,
            probe: ScriptedProbe(), health: RolloutRunnerTests.fast, stateFile: RolloutRunnerTests.stateFile(), analysisInterval: 0.01)
        let outcome = try await runner.run()
        guard case .aborted(let reason) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(reason.contains("during the bake, web-2's error rate 15.00% is above the limit of 5.00% ("), "\(reason)")
    }
}
