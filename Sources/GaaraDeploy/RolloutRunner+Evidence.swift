import Foundation
import GaaraAnalysis
import GaaraDeployCore

/// The rollout's decisions as evidence: each analysis's and bake's end with its statistics and
/// measurements, each failed action, each operator's input.
extension RolloutRunner {
    /// Clears what the previous step left; `by` decides unless the step says otherwise.
    func beginStep(by: String) {
        stepBy = by
        stepStatistics = []
        stepMetrics = []
    }

    /// Records how an analysis or a bake ended (an interruption is the operator's input, recorded with it).
    func recordStep(_ summary: String, _ end: AnalysisEnd) {
        let outcome: String
        let detail: String
        switch end {
        case .passed(let why):
            (outcome, detail) = ("passed", why)
        case .failed(let why):
            (outcome, detail) = (analysis.onFail == .pause ? "held (on-fail: pause)" : "failed", why)
        case .held(let why):
            (outcome, detail) = ("held (inconclusive)", why)
        case .interrupted:
            return
        }
        decisions.append(
            DecisionEvidence.Decision(
                time: Date(), step: summary, outcome: outcome, by: stepBy, detail: detail, statistics: stepStatistics, metrics: stepMetrics))
        if outcome.hasPrefix("held"), let onHold {
            // Asked without waiting: the hold itself must not wait for a slow channel.
            Task { await onHold("\(summary) \(outcome): \(detail)") }
        }
    }

    /// Records an operator's input (pause, resume, promote, abort): who sent it (`bob (approver)`;
    /// `operator` when unknown) and their comment.
    func recordOperator(_ input: RolloutInput, by: String?, comment: String?) {
        let outcome: String
        var detail = ""
        switch input {
        case .pause: outcome = "paused"
        case .resume: outcome = "resumed"
        case .promote(let full): outcome = full ? "promoted to 100%" : "promoted"
        case .abort(let reason):
            outcome = "aborted"
            detail = reason
        default: return
        }
        if let comment, !comment.isEmpty { detail = detail.isEmpty ? "“\(comment)”" : "\(detail): “\(comment)”" }
        decisions.append(
            DecisionEvidence.Decision(
                time: Date(), step: "rollout at \(controller.state.weight)%", outcome: outcome, by: by ?? "operator", detail: detail))
    }

    /// A judge's finding as evidence.
    static func statistic(_ finding: JudgeFinding) -> DecisionEvidence.Statistic {
        DecisionEvidence.Statistic(
            metric: finding.metric, canary: finding.canary, baseline: finding.baseline, pValue: finding.pValue,
            canaryRequests: finding.canaryRequests,
            baselineRequests: finding.baselineRequests)
    }

    /// What decides that an action failed.
    static func decider(of kind: RolloutAction.Kind) -> String {
        switch kind {
        case .awaitHealthy, .verify: "health checks"
        case .smokeTest: "smoke tests"
        case .route, .stopOld, .stopNew: "the router"
        default: "the target"
        }
    }
}
