import Foundation
import Testing

@testable import GaaraDeployCore

/// Analysis as one more kind of rollout step: a canary's pauses become analysis steps, which the
/// adapter ends as passed (next step), failed (abort) or held (a person decides), and which a
/// promote or an abort ends from outside.
struct AnalysisStepTests {
    static let canary = RolloutStrategy.canary(
        steps: [.pause(seconds: 5), .weight(5), .pause(seconds: 60), .weight(50), .pause(seconds: nil)], scaleDownDelay: 0)
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func withAnalysisACanarysPausesAfterAWeightBecomeAnalysisSteps() throws {
        let steps = try RolloutPlan.steps(Self.canary, hosts: ["web-1"], hasOldRelease: true, smokeTests: false, analysis: true)
        #expect(
            steps == [
                .start(hosts: ["web-1"]), .awaitHealthy(hosts: ["web-1"]), .pause(seconds: 5), .route(weight: 5), .analyze(seconds: 60),
                .route(weight: 50), .analyze(seconds: nil), .route(weight: 100), .stopOld(hosts: ["web-1"], after: 0),
            ])
        #expect(steps[4].summary == "analysis for up to 60 s" && steps[6].summary == "analysis until promoted")
        // Without it, the same plan as before.
        let plain = try RolloutPlan.steps(Self.canary, hosts: ["web-1"], hasOldRelease: true, smokeTests: false)
        #expect(!plain.contains { if case .analyze = $0 { true } else { false } })
    }

    /// The controller up to its first analysis action; returns it and the analysis action's id.
    static func atFirstAnalysis() throws -> (RolloutController, Int) {
        var controller = RolloutController(
            steps: try RolloutPlan.steps(Self.canary, hosts: ["web-1"], hasOldRelease: true, smokeTests: false, analysis: true), hasOldRelease: true)
        var actions = controller.handle(.begin, now: now)
        var clock = now
        while true {
            guard let action = actions.first else { throw RolloutPlanError("the rollout stopped before its analysis") }
            actions.removeFirst()
            switch action {
            case .perform(let id, .analyze(let seconds)):
                #expect(seconds == 60)
                return (controller, id)
            case .perform(let id, _): actions += controller.handle(.succeeded(id), now: clock)
            case .wake(let at):
                clock = at
                actions += controller.handle(.tick, now: clock)
            case .finished: throw RolloutPlanError("finished before its analysis")
            }
        }
    }

    @Test func aPassedAnalysisGoesOnAndAFailedOneAborts() throws {
        var (passed, id) = try Self.atFirstAnalysis()
        #expect(passed.handle(.succeeded(id), now: Self.now) == [.perform(id: id + 1, .route(weight: 50))])

        var (failed, failedID) = try Self.atFirstAnalysis()
        let undo = failed.handle(.failed(failedID, reason: "canary error rate 10.00% is higher than the stable version's 0.00%"), now: Self.now)
        #expect(undo == [.perform(id: failedID + 1, .route(weight: 0))])
        #expect(
            failed.state.phase
                == .aborting(reason: "analysis for up to 60 s failed: canary error rate 10.00% is higher than the stable version's 0.00%"))
    }

    @Test func aHeldAnalysisWaitsForAPersonThenPromoteGoesOnAndAbortGoesBack() throws {
        var (held, id) = try Self.atFirstAnalysis()
        #expect(held.handle(.hold(id, reason: "inconclusive: 3 of 50 canary requests"), now: Self.now) == [])
        #expect(held.state.phase == .paused && held.state.weight == 5)
        #expect(held.state.log.last?.contains("held for a decision (promote or abort): inconclusive: 3 of 50 canary requests") == true)
        // A late report of the same action changes nothing.
        #expect(held.handle(.succeeded(id), now: Self.now) == [])
        var promoted = held
        #expect(promoted.handle(.promote(full: false), now: Self.now) == [.perform(id: id + 1, .route(weight: 50))])
        var aborted = held
        #expect(aborted.handle(.abort(reason: "by hand"), now: Self.now) == [.perform(id: id + 1, .route(weight: 0))])
    }

    @Test func aPromoteDuringAnalysisEndsItWhenTheAdapterReportsIt() throws {
        var (controller, id) = try Self.atFirstAnalysis()
        // The analysis is still out: the promote marks the wait over, and its end moves on.
        #expect(controller.handle(.promote(full: false), now: Self.now) == [])
        #expect(controller.handle(.succeeded(id), now: Self.now) == [.perform(id: id + 1, .route(weight: 50))])
        // Promoted before the analysis began (during route 5%): that analysis is skipped.
        var early = RolloutController(
            steps: [.route(weight: 5), .analyze(seconds: 60), .route(weight: 100)], hasOldRelease: true)
        let first = early.handle(.begin, now: Self.now)
        #expect(first == [.perform(id: 1, .route(weight: 5))])
        #expect(early.handle(.promote(full: false), now: Self.now) == [])
        #expect(early.handle(.succeeded(1), now: Self.now) == [.perform(id: 2, .route(weight: 100))])
    }

    @Test func afterARestartTheAnalysisRunsAgainOnceTheReleaseIsHealthy() throws {
        let (controller, _) = try Self.atFirstAnalysis()
        var restored = try JSONDecoder().decode(RolloutController.self, from: JSONEncoder().encode(controller))
        let actions = restored.handle(.recovered, now: Self.now)
        guard case .perform(let verify, .verify(hosts: ["web-1"])) = actions.first else {
            Issue.record("a restart checks the release first: \(actions)")
            return
        }
        guard case .perform(_, .analyze(seconds: 60)) = restored.handle(.succeeded(verify), now: Self.now).first else {
            Issue.record("then analyses again")
            return
        }
    }

    @Test func aBakeFollowsTheMoveOfAllTrafficWhenThereIsAnOldReleaseToGoBackTo() throws {
        let blueGreen = try RolloutPlan.steps(.blueGreen(scaleDownDelay: 600), hosts: ["a"], hasOldRelease: true, smokeTests: false, bake: 1800)
        #expect(
            blueGreen == [
                .start(hosts: ["a"]), .awaitHealthy(hosts: ["a"]), .route(weight: 100), .bake(seconds: 1800), .stopOld(hosts: ["a"], after: 600),
            ])
        #expect(blueGreen[3].summary == "bake 30m (health and error rate watched)")
        // A first release has nothing to go back to: no bake.
        #expect(
            try RolloutPlan.steps(.blueGreen(scaleDownDelay: 600), hosts: ["a"], hasOldRelease: false, smokeTests: false, bake: 1800) == [
                .start(hosts: ["a"]), .awaitHealthy(hosts: ["a"]), .route(weight: 100),
            ])
        #expect(throws: RolloutPlanError.self) {
            try RolloutPlan.steps(.recreate, hosts: ["a"], hasOldRelease: true, smokeTests: false, bake: -1)
        }
    }

    @Test func aFailedBakeSendsTheTrafficBackAndAPromoteEndsIt() throws {
        let steps: [RolloutStep] = [.start(hosts: ["a"]), .route(weight: 100), .bake(seconds: 60), .stopOld(hosts: ["a"], after: 0)]
        var failing = RolloutController(steps: steps, hasOldRelease: true)
        #expect(failing.handle(.begin, now: Self.now) == [.perform(id: 1, .start(hosts: ["a"]))])
        #expect(failing.handle(.succeeded(1), now: Self.now) == [.perform(id: 2, .route(weight: 100))])
        #expect(failing.handle(.succeeded(2), now: Self.now) == [.perform(id: 3, .bake(seconds: 60))])
        var promoted = failing
        #expect(
            failing.handle(.failed(3, reason: "web-2 on a failed its health checks during the bake"), now: Self.now) == [
                .perform(id: 4, .route(weight: 0))
            ])
        #expect(promoted.handle(.promote(full: false), now: Self.now) == [])
        #expect(promoted.handle(.succeeded(3), now: Self.now) == [.perform(id: 4, .stopOld(hosts: ["a"]))])
    }
}
