import Foundation
import Testing

@testable import GaaraDeployCore

/// Runs a ``RolloutController`` against fake targets: each action "happens" at once (or fails when
/// `failing` says so), wakes advance a fake clock, and the state can be thrown away and restored
/// from its JSON at any point, as a crash and restart would.
struct FakeTargets {
    var controller: RolloutController
    var now = Date(timeIntervalSince1970: 1_800_000_000)
    /// Every action performed, in order.
    var performed: [RolloutAction.Kind] = []
    /// Every wake asked for.
    var wakes: [Date] = []
    var outcome: RolloutAction.Outcome?
    /// The reason the n-th performed action (0-based) fails, if it does.
    var failing: (Int, RolloutAction.Kind) -> String? = { _, _ in nil }
    /// Called before the n-th action is reported: return an input to send first (pause, abort, ...).
    var interrupt: (Int) -> RolloutInput? = { _ in nil }
    /// Crash (state saved to JSON, controller restored, `recovered` sent) before reporting the n-th action.
    var crashBefore: Int?
    /// Whether wakes fire by themselves (the clock jumps to them); else the rollout waits there.
    var autoWake = true

    init(_ steps: [RolloutStep], hasOldRelease: Bool = true) {
        controller = RolloutController(steps: steps, hasOldRelease: hasOldRelease)
    }

    /// Feeds `input` and everything that follows until nothing is left to do (a finished rollout, or one
    /// held by a pause).
    mutating func send(_ input: RolloutInput) {
        var queue = controller.handle(input, now: now)
        var pendingWake: Date?
        while true {
            if queue.isEmpty {
                guard let wake = pendingWake, outcome == nil, autoWake else { return }
                pendingWake = nil
                now = max(now, wake)
                queue = controller.handle(.tick, now: now)
                continue
            }
            let action = queue.removeFirst()
            switch action {
            case .wake(let at):
                wakes.append(at)
                pendingWake = at
            case .finished(let result):
                outcome = result
            case .perform(let id, let kind):
                let index = performed.count
                performed.append(kind)
                if crashBefore == index {
                    crashBefore = nil
                    let data = try! JSONEncoder().encode(controller)
                    controller = try! JSONDecoder().decode(RolloutController.self, from: data)
                    queue = controller.handle(.recovered, now: now)
                    pendingWake = nil
                    continue
                }
                if let extra = interrupt(index) {
                    queue += controller.handle(extra, now: now)
                }
                let result: RolloutInput = failing(index, kind).map { .failed(id, reason: $0) } ?? .succeeded(id)
                queue += controller.handle(result, now: now)
            }
        }
    }

    /// The weights routed, in order.
    var routes: [Int] {
        performed.compactMap {
            if case .route(let weight) = $0 { return weight }
            return nil
        }
    }
}

struct RolloutPlanTests {
    static let hosts = ["web-1", "web-2"]

    @Test func blueGreenStartsChecksSwitchesThenStopsBlueAfterTheDelay() throws {
        #expect(
            try RolloutPlan.steps(.blueGreen(scaleDownDelay: 600), hosts: Self.hosts, hasOldRelease: true, smokeTests: true) == [
                .start(hosts: Self.hosts), .awaitHealthy(hosts: Self.hosts), .smokeTest, .route(weight: 100), .stopOld(hosts: Self.hosts, after: 600),
            ])
        // The first release has nothing to stop.
        #expect(
            try RolloutPlan.steps(.blueGreen(scaleDownDelay: 600), hosts: Self.hosts, hasOldRelease: false, smokeTests: false) == [
                .start(hosts: Self.hosts), .awaitHealthy(hosts: Self.hosts), .route(weight: 100),
            ])
    }

    @Test func theGuidesCanaryGoesFromFivePercentToAll() throws {
        let steps = try RolloutPlan.steps(
            .canary(
                steps: [.weight(5), .pause(seconds: 120), .weight(25), .pause(seconds: 300), .weight(50), .pause(seconds: nil)], scaleDownDelay: 0),
            hosts: ["web-1"], hasOldRelease: true, smokeTests: true)
        #expect(
            steps == [
                .start(hosts: ["web-1"]), .awaitHealthy(hosts: ["web-1"]), .smokeTest, .route(weight: 5), .pause(seconds: 120), .route(weight: 25),
                .pause(seconds: 300), .route(weight: 50), .pause(seconds: nil), .route(weight: 100), .stopOld(hosts: ["web-1"], after: 0),
            ])
        #expect(steps.map(\.summary)[4] == "pause 2m" && steps.map(\.summary)[6] == "pause 5m" && steps[8].summary == "pause until promoted")
    }

    @Test func aFirstReleaseSkipsTheCanaryStepsButTheyAreStillChecked() throws {
        let canary = RolloutStrategy.canary(steps: [.weight(5), .pause(seconds: nil), .weight(50)], scaleDownDelay: 0)
        #expect(
            try RolloutPlan.steps(canary, hosts: ["web-1"], hasOldRelease: false, smokeTests: true) == [
                .start(hosts: ["web-1"]), .awaitHealthy(hosts: ["web-1"]), .smokeTest, .route(weight: 100),
            ])
        #expect(throws: RolloutPlanError.self) {
            try RolloutPlan.steps(
                .canary(steps: [.weight(50), .weight(5)], scaleDownDelay: 0), hosts: ["a"], hasOldRelease: false, smokeTests: false)
        }
    }

    @Test func recreateStopsFirstAndRollingMovesHostByHost() throws {
        #expect(
            try RolloutPlan.steps(.recreate, hosts: ["a"], hasOldRelease: true, smokeTests: false) == [
                .stopOld(hosts: ["a"], after: 0), .start(hosts: ["a"]), .awaitHealthy(hosts: ["a"]), .route(weight: 100),
            ])
        #expect(
            try RolloutPlan.steps(.rolling(maxSurge: 1, maxUnavailable: 0), hosts: ["a", "b", "c"], hasOldRelease: true, smokeTests: true) == [
                .start(hosts: ["a"]), .awaitHealthy(hosts: ["a"]), .smokeTest, .route(weight: 33), .stopOld(hosts: ["a"], after: 0),
                .start(hosts: ["b"]), .awaitHealthy(hosts: ["b"]), .route(weight: 66), .stopOld(hosts: ["b"], after: 0),
                .start(hosts: ["c"]), .awaitHealthy(hosts: ["c"]), .route(weight: 100), .stopOld(hosts: ["c"], after: 0),
            ])
        // max-surge 0: a host's old release stops before its new one starts.
        #expect(
            try RolloutPlan.steps(.rolling(maxSurge: 0, maxUnavailable: 2), hosts: ["a", "b", "c"], hasOldRelease: true, smokeTests: false) == [
                .stopOld(hosts: ["a", "b"], after: 0), .start(hosts: ["a", "b"]), .awaitHealthy(hosts: ["a", "b"]), .route(weight: 66),
                .stopOld(hosts: ["c"], after: 0), .start(hosts: ["c"]), .awaitHealthy(hosts: ["c"]), .route(weight: 100),
            ])
    }

    @Test(arguments: [
        (RolloutStrategy.canary(steps: [.weight(50), .weight(25)], scaleDownDelay: 0), "canary weights must grow: 25 after 50"),
        (.canary(steps: [.weight(0)], scaleDownDelay: 0), "a canary weight must be 1 to 100, not 0"),
        (.canary(steps: [.weight(101)], scaleDownDelay: 0), "a canary weight must be 1 to 100, not 101"),
        (.canary(steps: [.pause(seconds: 0)], scaleDownDelay: 0), "a canary pause must be longer than 0 s"),
        (.rolling(maxSurge: 0, maxUnavailable: 0), "max-surge and max-unavailable must not both be 0 (nothing could move)"),
        (.blueGreen(scaleDownDelay: -1), "scale-down-delay must not be negative"),
    ])
    func badStrategiesAreRefused(_ strategy: RolloutStrategy, _ message: String) {
        #expect(throws: RolloutPlanError(message)) { try RolloutPlan.steps(strategy, hosts: ["a"], hasOldRelease: true, smokeTests: false) }
    }

    @Test func hostsMustBeGivenOnce() {
        #expect(throws: RolloutPlanError("an environment needs at least one host")) {
            try RolloutPlan.steps(.recreate, hosts: [], hasOldRelease: true, smokeTests: false)
        }
        #expect(throws: RolloutPlanError("a host is listed twice")) {
            try RolloutPlan.steps(.recreate, hosts: ["a", "a"], hasOldRelease: true, smokeTests: false)
        }
    }

    @Test func aRollbackToARunningReleaseIsASwitch() {
        #expect(
            RolloutPlan.rollback(hosts: ["a"], stillRunning: true) == [
                .awaitHealthy(hosts: ["a"]), .route(weight: 100), .stopOld(hosts: ["a"], after: 0),
            ])
        #expect(RolloutPlan.rollback(hosts: ["a"], stillRunning: false).first == .start(hosts: ["a"]))
    }
}

struct RolloutControllerTests {
    static let hosts = ["web-1", "web-2"]
    static let canary = try! RolloutPlan.steps(
        .canary(
            steps: [.weight(5), .pause(seconds: 120), .weight(25), .pause(seconds: 300), .weight(50), .pause(seconds: 300)], scaleDownDelay: 600),
        hosts: hosts, hasOldRelease: true, smokeTests: true)
    static let blueGreen = try! RolloutPlan.steps(.blueGreen(scaleDownDelay: 600), hosts: hosts, hasOldRelease: true, smokeTests: true)
    static let rolling = try! RolloutPlan.steps(
        .rolling(maxSurge: 1, maxUnavailable: 0), hosts: ["a", "b", "c"], hasOldRelease: true, smokeTests: true)
    static let plans: [(String, [RolloutStep])] = [("canary", canary), ("blue-green", blueGreen), ("rolling", rolling)]

    /// The actions a plan's rollout performs when nothing goes wrong.
    static func cleanRun(_ steps: [RolloutStep]) -> FakeTargets {
        var targets = FakeTargets(steps)
        targets.send(.begin)
        return targets
    }

    @Test func aCanaryRunsEveryStepWithItsPausesOnTheClock() {
        var targets = FakeTargets(Self.canary)
        let start = targets.now
        targets.send(.begin)
        #expect(targets.outcome == .succeeded(warnings: []))
        #expect(
            targets.performed == [
                .start(hosts: Self.hosts), .awaitHealthy(hosts: Self.hosts), .smokeTest, .route(weight: 5), .route(weight: 25), .route(weight: 50),
                .route(weight: 100), .stopOld(hosts: Self.hosts),
            ])
        #expect(targets.wakes.map { $0.timeIntervalSince(start) } == [120, 420, 720, 1320], "pauses of 2m, 5m, 5m, then the 10m scale-down delay")
        #expect(targets.controller.state.phase == .succeeded && targets.controller.state.weight == 100)
    }

    @Test func blueGreenSwitchesOnlyAfterHealthAndSmokeTestsAndKeepsBlueForTheDelay() {
        var targets = FakeTargets(Self.blueGreen)
        let start = targets.now
        targets.send(.begin)
        #expect(
            targets.performed == [
                .start(hosts: Self.hosts), .awaitHealthy(hosts: Self.hosts), .smokeTest, .route(weight: 100), .stopOld(hosts: Self.hosts),
            ]
        )
        #expect(targets.wakes.map { $0.timeIntervalSince(start) } == [600])
        #expect(targets.outcome == .succeeded(warnings: []))
    }

    @Test func aReleaseThatNeverBecomesHealthyNeverGetsTraffic() {
        for (name, steps) in Self.plans {
            var targets = FakeTargets(steps)
            targets.failing = { _, kind in
                if case .awaitHealthy = kind { return "GET /up: 503 after 30 checks; last log: ImportError: no module named app" }
                return nil
            }
            targets.send(.begin)
            #expect(targets.routes.allSatisfy { $0 == 0 }, "\(name): \(targets.performed)")
            guard case .aborted(let reason) = targets.outcome else {
                Issue.record("\(name): \(String(describing: targets.outcome))")
                continue
            }
            #expect(reason.contains("ImportError: no module named app"), "\(name): the target's output is in the reason")
            #expect(targets.performed.last.map { if case .stopNew = $0 { true } else { false } } == true, "\(name): \(targets.performed)")
        }
    }

    @Test func anIndefinitePauseWaitsForPromoteAndFullPromoteSkipsTheRest() {
        let steps = try! RolloutPlan.steps(
            .canary(steps: [.weight(5), .pause(seconds: nil), .weight(25), .pause(seconds: 300), .weight(50)], scaleDownDelay: 0), hosts: ["a"],
            hasOldRelease: true, smokeTests: false)
        var targets = FakeTargets(steps)
        targets.autoWake = false
        targets.send(.begin)
        #expect(targets.routes == [5] && targets.outcome == nil && targets.controller.state.phase == .paused)
        targets.send(.promote(full: false))
        #expect(targets.routes == [5, 25] && targets.outcome == nil, "held by the timed pause: \(targets.performed)")
        targets.send(.promote(full: true))
        #expect(targets.routes == [5, 25, 100], "50% was skipped")
        #expect(targets.outcome == .succeeded(warnings: []))
    }

    @Test func aPromoteSentWhileTrafficMovesEndsTheNextPause() {
        // `gaara rollout promote` sent right after "route 50%" appeared: the route is still out.
        let steps = try! RolloutPlan.steps(
            .canary(steps: [.weight(50), .pause(seconds: 600)], scaleDownDelay: 0), hosts: ["a"], hasOldRelease: true, smokeTests: false)
        var controller = RolloutController(steps: steps, hasOldRelease: true)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var actions = controller.handle(.begin, now: now)
        var route: Int?
        while case .perform(let id, let kind) = actions.first {
            if kind == .route(weight: 50) {
                route = id
                break
            }
            actions = controller.handle(.succeeded(id), now: now)
        }
        let id = try! #require(route)
        #expect(controller.handle(.promote(full: false), now: now).isEmpty, "the route is still out")
        let next = controller.handle(.succeeded(id), now: now)
        guard case .perform(_, .route(weight: 100)) = next.first else {
            Issue.record("the pause was not skipped: \(next)")
            return
        }
        #expect(controller.state.log.contains { $0.hasSuffix("promoted before the pause began") })
        #expect(controller.state.promotePending == nil)
    }

    @Test func abortFromEveryStateSendsTrafficBackAndStopsTheNewRelease() {
        for (name, steps) in Self.plans {
            let total = Self.cleanRun(steps).performed.count
            for index in 0..<total {
                var targets = FakeTargets(steps)
                targets.interrupt = { $0 == index ? .abort(reason: "by hand") : nil }
                targets.send(.begin)
                let context = "\(name), abort at action \(index): \(targets.performed)"
                #expect(targets.outcome == .aborted(reason: "by hand"), "\(context)")
                #expect(targets.controller.state.weight == 0, "\(context)")
                #expect(targets.controller.state.stoppedOldHosts.isEmpty, "the old release runs everywhere again: \(context)")
                #expect(targets.controller.state.startedHosts.isEmpty, "the new release is stopped: \(context)")
            }
        }
    }

    @Test func pauseAndResumeFromEveryStateChangeNothingButTheTiming() {
        for (name, steps) in Self.plans {
            let clean = Self.cleanRun(steps)
            for index in 0..<clean.performed.count {
                var targets = FakeTargets(steps)
                targets.interrupt = { $0 == index ? .pause : nil }
                targets.send(.begin)
                #expect(targets.outcome == nil || index == clean.performed.count - 1, "\(name): paused at \(index): \(targets.performed)")
                targets.send(.resume)
                #expect(targets.performed == clean.performed, "\(name), paused at \(index)")
                #expect(targets.outcome == .succeeded(warnings: []), "\(name), paused at \(index)")
            }
        }
    }

    @Test func aFailureOfAnyActionAbortsExceptStoppingTheOldRelease() {
        for (name, steps) in Self.plans {
            let total = Self.cleanRun(steps).performed.count
            for index in 0..<total {
                var targets = FakeTargets(steps)
                targets.failing = { at, _ in at == index ? "boom \(index)" : nil }
                targets.send(.begin)
                let failedKind = targets.performed[index]
                let context = "\(name), action \(index) (\(failedKind)) fails: \(targets.performed)"
                if case .stopOld = failedKind {
                    guard case .succeeded(let warnings) = targets.outcome else {
                        Issue.record("\(context): \(String(describing: targets.outcome))")
                        continue
                    }
                    #expect(warnings == ["the old release could not be stopped: boom \(index)"], "\(context)")
                } else {
                    #expect(targets.outcome == .aborted(reason: "\(failedKind.summary) failed: boom \(index)"), "\(context)")
                    #expect(targets.controller.state.startedHosts.isEmpty, "\(context)")
                    #expect(targets.controller.state.weight == 0 && targets.controller.state.stoppedOldHosts.isEmpty, "\(context)")
                }
            }
        }
    }

    @Test func aCrashBetweenAnyTwoActionsResumesAndNeverTrustsUnverifiedTraffic() {
        for (name, steps) in Self.plans {
            let clean = Self.cleanRun(steps)
            for index in 0..<clean.performed.count {
                var targets = FakeTargets(steps)
                targets.crashBefore = index
                targets.send(.begin)
                let context = "\(name), crash before reporting action \(index): \(targets.performed)"
                #expect(targets.outcome == .succeeded(warnings: []), "\(context)")
                #expect(targets.controller.state.weight == 100, "\(context)")
                // After the restart: the interrupted action again, or first a health re-check once the
                // new release had passed its checks (it may have died with the controller).
                let after = targets.performed[index + 1]
                let verifiedBefore = clean.performed[..<index].contains { if case .awaitHealthy = $0 { true } else { false } }
                if verifiedBefore {
                    #expect(after.summary.hasPrefix("health re-check on "), "\(context)")
                } else {
                    #expect(after == clean.performed[index], "the interrupted action is issued again: \(context)")
                }
                #expect(targets.controller.state.log.contains { $0.hasSuffix("controller restarted") })
            }
        }
    }

    @Test func aFailedHealthRecheckAfterACrashAbortsToTheOldRelease() {
        var targets = FakeTargets(Self.canary)
        targets.crashBefore = 4  // route 25% in flight, 5% already on the canary
        targets.failing = { _, kind in kind == .verify(hosts: Self.hosts) ? "web-2: connection refused" : nil }
        targets.send(.begin)
        #expect(targets.outcome == .aborted(reason: "health re-check on web-1, web-2 failed: web-2: connection refused"))
        #expect(Array(targets.performed.suffix(3)) == [.verify(hosts: Self.hosts), .route(weight: 0), .stopNew(hosts: Self.hosts)])
    }

    @Test func lateAnswersAndEarlyTicksChangeNothing() {
        var controller = RolloutController(steps: Self.blueGreen, hasOldRelease: true)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(controller.handle(.begin, now: now) == [.perform(id: 1, .start(hosts: Self.hosts))])
        #expect(controller.handle(.succeeded(7), now: now).isEmpty, "an unknown id")
        #expect(controller.handle(.begin, now: now).isEmpty, "begun once")
        #expect(controller.handle(.succeeded(1), now: now) == [.perform(id: 2, .awaitHealthy(hosts: Self.hosts))])
        #expect(controller.handle(.succeeded(1), now: now).isEmpty, "a repeated answer")
        _ = controller.handle(.succeeded(2), now: now)
        _ = controller.handle(.succeeded(3), now: now)
        #expect(controller.handle(.succeeded(4), now: now) == [.wake(at: now.addingTimeInterval(600))])
        #expect(controller.handle(.tick, now: now.addingTimeInterval(10)) == [.wake(at: now.addingTimeInterval(600))], "too early: asks again")
        #expect(controller.handle(.tick, now: now.addingTimeInterval(600)) == [.perform(id: 5, .stopOld(hosts: Self.hosts))])
        #expect(controller.handle(.succeeded(5), now: now) == [.finished(.succeeded(warnings: []))])
        #expect(controller.handle(.abort(reason: "late"), now: now).isEmpty, "a finished rollout is not aborted")
    }

    @Test func aFirstReleaseAbortsWithoutRoutingBack() {
        let steps = try! RolloutPlan.steps(.blueGreen(scaleDownDelay: 600), hosts: ["a"], hasOldRelease: false, smokeTests: true)
        var targets = FakeTargets(steps, hasOldRelease: false)
        targets.failing = { _, kind in kind == .smokeTest ? "smoke: GET / returned 500" : nil }
        targets.send(.begin)
        #expect(targets.performed == [.start(hosts: ["a"]), .awaitHealthy(hosts: ["a"]), .smokeTest, .stopNew(hosts: ["a"])])
        #expect(targets.outcome == .aborted(reason: "smoke tests failed: smoke: GET / returned 500"))
    }

    @Test func aPromoteDuringTheHealthRecheckAfterARestartEndsThePause() {
        let steps = try! RolloutPlan.steps(
            .canary(steps: [.weight(5), .pause(seconds: nil), .weight(50)], scaleDownDelay: 0), hosts: ["a"], hasOldRelease: true, smokeTests: false)
        var targets = FakeTargets(steps)
        targets.send(.begin)
        #expect(targets.controller.state.phase == .paused && targets.routes == [5])
        let now = targets.now
        var restored = targets.controller
        let recheck = restored.handle(.recovered, now: now)
        guard case .perform(let id, .verify(let hosts)) = recheck.first else {
            Issue.record("\(recheck)")
            return
        }
        #expect(hosts == ["a"])
        #expect(restored.handle(.promote(full: false), now: now).isEmpty, "the re-check is still out")
        #expect(restored.handle(.succeeded(id), now: now) == [.perform(id: id + 1, .route(weight: 50))], "the pause is over")
    }
}
