import Foundation
import GaaraDeployCore
import Synchronization
import Testing

@testable import GaaraDeploy

/// A probe answering from a script: the n-th check of an endpoint fails with the scripted text.
final class ScriptedProbe: HealthProbe {
    let answer: @Sendable (TargetEndpoint, Int) -> String?
    private let counts = Mutex<[TargetEndpoint: Int]>([:])

    init(_ answer: @escaping @Sendable (TargetEndpoint, Int) -> String? = { _, _ in nil }) {
        self.answer = answer
    }

    func check(_ endpoint: TargetEndpoint, path: String, timeout: Double) async -> String? {
        let count = counts.withLock { counts -> Int in
            counts[endpoint, default: 0] += 1
            return counts[endpoint]!
        }
        return answer(endpoint, count)
    }
}

/// The rollout runner over fake targets, traffic and probes: what reaches the targets and the router,
/// in order, for a blue-green and a canary, a release that never becomes healthy, an abort, and a
/// restart from the persisted state.
@Suite(.timeLimit(.minutes(1)))
struct RolloutRunnerTests {
    static let stable = ReleaseSpec(service: "web", release: "web-1", artifact: .command("serve", directory: "/srv"))
    static let candidate = ReleaseSpec(service: "web", release: "web-2", artifact: .command("serve", directory: "/srv"))
    /// Checks 10 ms apart; a generous deadline, because on a loaded machine two checks of a healthy
    /// release can take longer than any short one (a CI run saw the rollout abort at 0.3 s).
    static let fast = HealthSettings(path: "/up", interval: 0.01, timeout: 1, healthyThreshold: 2, deadline: 30)
    /// For a release that never becomes healthy: the deadline is what ends the wait.
    static let impatient = HealthSettings(path: "/up", interval: 0.01, timeout: 1, healthyThreshold: 2, deadline: 0.3)

    static func stateFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("gaara-rollout-\(UUID().uuidString)/rollout.json")
    }

    @Test func blueGreenReachesTheTargetsAndTheRouterInOrder() async throws {
        let targets = ["a": RecordingTarget(), "b": RecordingTarget()]
        let traffic = RecordingTraffic()
        let smoked = Mutex<[TargetEndpoint]>([])
        let steps = try RolloutPlan.steps(.blueGreen(scaleDownDelay: 0.05), hosts: ["a", "b"], hasOldRelease: true, smokeTests: true)
        let state = Self.stateFile()
        let runner = RolloutRunner(
            service: "web", candidate: Self.candidate, stable: Self.stable, steps: steps, targets: targets, traffic: traffic, probe: ScriptedProbe(),
            health: Self.fast, smokeTest: { endpoint in smoked.withLock { $0.append(endpoint) } }, stateFile: state)
        #expect(try await runner.run() == .succeeded(warnings: []))
        for (_, target) in targets {
            #expect(target.calls == [.start("web-1"), .start("web-2"), .stop("web-1")], "adopt the old, start the new, stop the old")
        }
        #expect(traffic.changes.map(\.weight) == [100, 100], "the switch, then the old release out of the router before it stops")
        #expect(traffic.changes[0].stable?.endpoints.count == 2 && traffic.changes[0].candidate.endpoints.count == 2)
        #expect(traffic.changes[1].stable?.endpoints.isEmpty == true)
        #expect(smoked.withLock { $0.count } == 1, "smoke tests ran once, before the switch")
        let persisted = try JSONDecoder().decode(RolloutController.self, from: Data(contentsOf: state))
        #expect(persisted.state.phase == .succeeded, "the final state is on disk")
    }

    @Test func aReleaseThatNeverBecomesHealthyGetsNoTrafficAndTheErrorShowsWhy() async throws {
        let target = RecordingTarget(log: "Traceback (most recent call last):\nImportError: no module named 'app'")
        let traffic = RecordingTraffic()
        let steps = try RolloutPlan.steps(.blueGreen(scaleDownDelay: 0), hosts: ["a"], hasOldRelease: true, smokeTests: false)
        let runner = RolloutRunner(
            service: "web", candidate: Self.candidate, stable: Self.stable, steps: steps, targets: ["a": target], traffic: traffic,
            probe: ScriptedProbe { endpoint, _ in endpoint.port == 20_002 ? "GET /up: HTTP 503: starting" : nil }, health: Self.impatient,
            stateFile: Self.stateFile())
        let outcome = try await runner.run()
        guard case .aborted(let reason) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(reason.contains("web-2 on a (127.0.0.1:20002) did not become healthy within 0 s: GET /up: HTTP 503: starting"), "\(reason)")
        #expect(reason.contains("last log lines:\nTraceback (most recent call last):\nImportError: no module named 'app'"), "\(reason)")
        #expect(traffic.changes.allSatisfy { $0.weight == 0 }, "no request went to it: \(traffic.changes)")
        #expect(target.calls == [.start("web-1"), .start("web-2"), .stop("web-2")])
    }

    @Test func aCanaryAbortedByHandGoesBackToTheOldRelease() async throws {
        let target = RecordingTarget()
        let traffic = RecordingTraffic()
        let steps = try RolloutPlan.steps(
            .canary(steps: [.weight(5), .pause(seconds: nil), .weight(50)], scaleDownDelay: 0), hosts: ["a"], hasOldRelease: true, smokeTests: false)
        let runner = RolloutRunner(
            service: "web", candidate: Self.candidate, stable: Self.stable, steps: steps, targets: ["a": target], traffic: traffic,
            probe: ScriptedProbe(),
            health: Self.fast, stateFile: Self.stateFile())
        let outcome = Task { try await runner.run() }
        // Held at 5% until promoted: abort instead.
        for _ in 0..<3000 where await runner.state.phase != .paused { try await Task.sleep(for: .milliseconds(10)) }
        #expect(traffic.changes.map(\.weight) == [5])
        await runner.send(.abort(reason: "error rate too high"))
        #expect(try await outcome.value == .aborted(reason: "error rate too high"))
        #expect(traffic.changes.map(\.weight) == [5, 0, 0], "back to the old release, then the new one out of the router")
        #expect(target.calls == [.start("web-1"), .start("web-2"), .stop("web-2")])
    }

    /// Sends `input` to the runner while the change to `weight` is being made, as an operator whose
    /// `gaara rollout promote` arrives a moment early does.
    final class InterruptingTraffic: TrafficControl {
        let recording = RecordingTraffic()
        let weight: Int
        let input: RolloutInput
        let runner = Mutex<RolloutRunner?>(nil)

        init(at weight: Int, send input: RolloutInput) {
            self.weight = weight
            self.input = input
        }

        func route(service: String, stable: TrafficGroup?, candidate: TrafficGroup, weight: Int) async throws {
            if weight == self.weight, let runner = runner.withLock({ $0 }) { await runner.send(input) }
            try await recording.route(service: service, stable: stable, candidate: candidate, weight: weight)
        }
    }

    @Test func aPromoteThatArrivesWhileTrafficMovesEndsTheNextPause() async throws {
        let steps = try RolloutPlan.steps(
            .canary(steps: [.weight(5), .pause(seconds: 120), .weight(50)], scaleDownDelay: 0), hosts: ["a"], hasOldRelease: true, smokeTests: false)
        let traffic = InterruptingTraffic(at: 5, send: .promote(full: false))
        let runner = RolloutRunner(
            service: "web", candidate: Self.candidate, stable: Self.stable, steps: steps, targets: ["a": RecordingTarget()], traffic: traffic,
            probe: ScriptedProbe(), health: Self.fast, stateFile: Self.stateFile())
        traffic.runner.withLock { $0 = runner }
        let started = Date()
        #expect(try await runner.run() == .succeeded(warnings: []))
        #expect(Date().timeIntervalSince(started) < 60, "the 2-minute pause did not hold it")
        // The last change takes the old release out of the router (the weight stays 100).
        #expect(traffic.recording.changes.map(\.weight) == [5, 50, 100, 100])
    }

    @Test func aRunnerRestartedFromTheStateFileRechecksHealthThenCarriesOn() async throws {
        let target = RecordingTarget()
        let traffic = RecordingTraffic()
        let steps = try RolloutPlan.steps(
            .canary(steps: [.weight(5), .pause(seconds: nil), .weight(50)], scaleDownDelay: 0), hosts: ["a"], hasOldRelease: true, smokeTests: false)
        let state = Self.stateFile()
        let first = RolloutRunner(
            service: "web", candidate: Self.candidate, stable: Self.stable, steps: steps, targets: ["a": target], traffic: traffic,
            probe: ScriptedProbe(),
            health: Self.fast, stateFile: state)
        let abandoned = Task { try await first.run() }
        for _ in 0..<3000 where await first.state.phase != .paused { try await Task.sleep(for: .milliseconds(10)) }
        abandoned.cancel()  // the controller "dies" while the canary holds 5%
        _ = try? await abandoned.value

        let second = RolloutRunner(
            service: "web", candidate: Self.candidate, stable: Self.stable, steps: steps, targets: ["a": target], traffic: traffic,
            probe: ScriptedProbe(),
            health: Self.fast, stateFile: state)
        try await second.resume()
        #expect(await second.state.weight == 5)
        await second.send(.promote(full: false))
        #expect(try await second.run() == .succeeded(warnings: []))
        #expect(traffic.changes.map(\.weight) == [5, 50, 100, 100])
        #expect(await second.state.log.contains { $0.hasSuffix("the new release is healthy again after the restart") })
        #expect(target.calls.filter { $0 == .start("web-2") }.count == 2, "the new release adopted again, never started twice: \(target.calls)")
    }
}
