import Foundation
import GaaraAlertCore
import GaaraDeployCore
import GaaraRouterCore
import Testing

@testable import GaaraDeploy

/// An environment's alert samples: the router's window per service, and the release records.
struct EnvironmentMetricSourceTests {
    static func group(_ name: String, requests: UInt64, errorRate: Double, p95: Double) -> MetricsWindow.Group {
        MetricsWindow.Group(
            group: name, requests: requests, byClass: [:], errorRate: errorRate, p50Ms: p95 / 2, p95Ms: p95, p99Ms: p95 * 2, bytesIn: 0, bytesOut: 0)
    }

    @Test func theRouterWindowIsWhatUsersSawAcrossReleases() {
        // A canary at 10% errors on 100 requests beside 900 clean ones: 1% for the service.
        let window = MetricsWindow(
            service: "web", seconds: 10,
            groups: [Self.group("web-1", requests: 900, errorRate: 0, p95: 40), Self.group("web-2", requests: 100, errorRate: 0.1, p95: 90)],
            activeClients: 37)
        let samples = EnvironmentMetricSource.routerSamples(window, environment: "production", service: "web", window: 10)
        let service = samples.filter { !$0.metric.hasPrefix("release_") }
        let byMetric = Dictionary(uniqueKeysWithValues: service.map { ($0.metric, $0.value) })
        #expect(
            byMetric == [
                "request_rate": 100, "active_users": 37, "error_rate": 0.01, "latency_p50_ms": 45, "latency_p95_ms": 90, "latency_p99_ms": 180,
            ], "\(byMetric)")
        #expect(service.allSatisfy { $0.labels == ["environment": "production", "service": "web"] })
        // Each release on its own: the canary's 10% and 90 ms beside the stable version's 0% and 40 ms.
        let canary = samples.filter { $0.labels["release"] == "web-2" }
        #expect(
            Dictionary(uniqueKeysWithValues: canary.map { ($0.metric, $0.value) }) == [
                "release_request_rate": 10, "release_error_rate": 0.1, "release_latency_p50_ms": 45, "release_latency_p95_ms": 90,
                "release_latency_p99_ms": 180,
            ], "\(canary)")
        #expect(samples.first { $0.metric == "release_error_rate" && $0.labels["release"] == "web-1" }?.value == 0)
        // No traffic: a request rate of 0 and nothing else (silence is neither an error nor healthy).
        let idle = EnvironmentMetricSource.routerSamples(
            MetricsWindow(service: "web", seconds: 10, groups: [Self.group("web-1", requests: 0, errorRate: 0, p95: 0)]), environment: "production",
            service: "web", window: 10)
        #expect(idle.map(\.metric) == ["request_rate"])
    }

    /// A staging folder whose history has web-1 live; removed by the caller.
    static func stagingWithALiveRelease() throws -> (root: URL, folder: EnvironmentFolder, history: ReleaseHistory) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gaara-env-\(UUID().uuidString)")
        var history = ReleaseHistory(environment: "staging")
        let first = try history.begin(service: "web", artifact: "dir:a", directory: nil, commit: nil, creator: "ana", now: Date())
        _ = history.succeeded("web", number: first.number, keep: 2, now: Date(), note: "live")
        return (root, EnvironmentFolder(root: root, environment: "staging"), history)
    }

    @Test func aFailedLatestReleaseIsADeploymentFailureUntilTheNextGoodOne() throws {
        let (root, folder, live) = try Self.stagingWithALiveRelease()
        var history = live
        defer { try? FileManager.default.removeItem(at: root) }
        let now = Date()
        let second = try history.begin(service: "web", artifact: "dir:b", directory: nil, commit: nil, creator: "ana", now: now)
        history.failed("web", number: second.number, reason: "smoke tests failed: exit status 1", now: now)
        try folder.save(history)
        let source = EnvironmentMetricSource(environment: "staging", services: ["web", "api"], folder: folder, admin: nil)
        let failed = source.releaseSamples()
        #expect(
            failed.map { "\($0.metric)=\($0.value) \($0.labels["release"] ?? "")" } == [
                "deployment_failed=1.0 web-2", "smoke_failed=1.0 web-2", "rollback_in_progress=0.0 ",
            ])

        let third = try history.begin(service: "web", artifact: "dir:c", directory: nil, commit: nil, creator: "ana", now: now)
        _ = history.succeeded("web", number: third.number, keep: 2, now: now, note: "live")
        try folder.save(history)
        #expect(source.releaseSamples().map(\.value) == [0, 0, 0], "the next good release clears it")
    }

    @Test func aRolloutThatIsAbortingIsARollbackInProgressUntilItEnds() throws {
        let (root, folder, live) = try Self.stagingWithALiveRelease()
        var history = live
        defer { try? FileManager.default.removeItem(at: root) }
        let now = Date()
        _ = try history.begin(service: "web", artifact: "dir:b", directory: nil, commit: nil, creator: "ana", now: now)
        try folder.save(history)
        let source = EnvironmentMetricSource(environment: "staging", services: ["web"], folder: folder, admin: nil)
        func rollingBack() -> Double? { source.releaseSamples().first { $0.metric == "rollback_in_progress" }?.value }

        // The canary's controller, as the runner persists it before each action.
        var controller = RolloutController(steps: [.start(hosts: ["a"]), .route(weight: 5), .route(weight: 100)], hasOldRelease: true)
        func persist() throws {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("staging"), withIntermediateDirectories: true)
            try JSONEncoder().encode(controller).write(to: folder.rolloutFile("web"))
        }
        _ = controller.handle(.begin, now: now)
        _ = controller.handle(.succeeded(1), now: now)
        _ = controller.handle(.succeeded(2), now: now)
        try persist()
        #expect(rollingBack() == 0, "routing 5% to the canary is no rollback")
        // The judge finds the canary broken: the controller starts undoing it.
        var actions = controller.handle(.abort(reason: "canary error rate 9%"), now: now)
        try persist()
        #expect(rollingBack() == 1, "\(controller.state.phase)")
        let labels = source.releaseSamples().first { $0.metric == "rollback_in_progress" }?.labels
        #expect(labels == ["environment": "staging", "service": "web"], "the inhibition's equal labels, no release")
        // Each undo action done, until the controller has ended the rollout.
        var steps = 0
        while case .aborting = controller.state.phase, steps < 10 {
            guard case .perform(let id, _) = actions.first(where: { if case .perform = $0 { true } else { false } }) else { break }
            actions = controller.handle(.succeeded(id), now: now)
            steps += 1
        }
        try persist()
        #expect(rollingBack() == 0, "the rollback ended: \(controller.state.phase)")
    }
}
