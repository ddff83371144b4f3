import Testing

@testable import GaaraAlertCore

/// Prometheus' alert states per (rule, label set): pending for `for`, firing, resolved once.
struct RuleEvaluatorTests {
    /// The guide's error-rate rule with a label and a summary.
    static let rule = AlertRule(
        name: "HighErrorRate", condition: AlertCondition(metric: "error_rate", .greaterThan, 0.01), for: 300, severity: .critical,
        labels: ["team": "web"], annotations: ["summary": "error rate {{ $value | percent }} on {{ $labels.service }}"])

    /// A production error-rate sample of `service`.
    static func errorRate(_ value: Double, service: String = "api") -> MetricSample {
        MetricSample(metric: "error_rate", labels: ["service": service, "environment": "production"], value: value)
    }

    /// `state@activeAt` of each alert the evaluation returned.
    static func states(_ alerts: [Alert]) -> [String] {
        alerts.map { "\(short($0)) \($0.state)" }
    }

    @Test func anAlertIsPendingUntilItsConditionHeldForForThenFires() {
        var evaluator = RuleEvaluator(rules: [Self.rule])
        #expect(Self.states(evaluator.evaluate([Self.errorRate(0.05)], at: 0)) == ["HighErrorRate/api pending"])
        #expect(Self.states(evaluator.evaluate([Self.errorRate(0.06)], at: 240)) == ["HighErrorRate/api pending"])
        let firing = evaluator.evaluate([Self.errorRate(0.07)], at: 300)
        #expect(Self.states(firing) == ["HighErrorRate/api firing"])
        #expect(firing[0].activeAt == 0 && firing[0].firedAt == 300 && firing[0].endsAt == nil && firing[0].value == 0.07)
        #expect(firing[0].annotations == ["summary": "error rate 7% on api"], "rendered with the latest value")
    }

    @Test func aZeroForFiresAtTheFirstEvaluation() {
        var evaluator = RuleEvaluator(rules: [AlertRule.deploymentFailed])
        let alerts = evaluator.evaluate([MetricSample(metric: "deployment_failed", labels: ["service": "api"], value: 1)], at: 50)
        #expect(Self.states(alerts) == ["DeploymentFailed/api firing"])
        #expect(alerts[0].activeAt == 50 && alerts[0].firedAt == 50)
    }

    @Test func aPendingAlertWhoseConditionClearsIsDroppedAndStartsOverLater() {
        var evaluator = RuleEvaluator(rules: [Self.rule])
        _ = evaluator.evaluate([Self.errorRate(0.05)], at: 0)
        #expect(evaluator.evaluate([Self.errorRate(0.001)], at: 240).isEmpty, "not resolved: it never fired")
        #expect(evaluator.evaluate([Self.errorRate(0.05)], at: 300)[0].activeAt == 300)
        #expect(Self.states(evaluator.evaluate([Self.errorRate(0.05)], at: 540)) == ["HighErrorRate/api pending"], "the 300 s start again")
        #expect(Self.states(evaluator.evaluate([Self.errorRate(0.05)], at: 600)) == ["HighErrorRate/api firing"])
    }

    @Test func aFiringAlertResolvesOnceWhenItsConditionClearsOrItsSeriesIsGone() {
        var evaluator = RuleEvaluator(rules: [Self.rule])
        _ = evaluator.evaluate([Self.errorRate(0.05), Self.errorRate(0.05, service: "web")], at: 0)
        _ = evaluator.evaluate([Self.errorRate(0.05), Self.errorRate(0.05, service: "web")], at: 300)
        let next = evaluator.evaluate([Self.errorRate(0.001)], at: 360)
        #expect(Self.states(next) == ["HighErrorRate/api resolved", "HighErrorRate/web resolved"])
        #expect(next.allSatisfy { $0.endsAt == 360 && $0.firedAt == 300 })
        #expect(next[0].value == 0.05, "the last value that held")
        #expect(evaluator.evaluate([Self.errorRate(0.001)], at: 420).isEmpty, "returned once")
        #expect(evaluator.alerts.isEmpty)
    }

    @Test func keepFiringForBridgesADipShorterThanIt() {
        var rule = Self.rule
        rule.for = 0
        rule.keepFiringFor = 120
        var evaluator = RuleEvaluator(rules: [rule])
        _ = evaluator.evaluate([Self.errorRate(0.05)], at: 0)
        #expect(Self.states(evaluator.evaluate([], at: 60)) == ["HighErrorRate/api firing"])
        #expect(Self.states(evaluator.evaluate([Self.errorRate(0.05)], at: 120)) == ["HighErrorRate/api firing"], "back: the clock resets")
        #expect(Self.states(evaluator.evaluate([], at: 180)) == ["HighErrorRate/api firing"])
        #expect(Self.states(evaluator.evaluate([], at: 240)) == ["HighErrorRate/api firing"])
        let resolved = evaluator.evaluate([], at: 300)
        #expect(Self.states(resolved) == ["HighErrorRate/api resolved"] && resolved[0].endsAt == 300, "120 s after it first cleared at 180")
    }

    @Test func eachLabelSetIsOneAlertWithTheRulesLabelsOnTop() {
        var evaluator = RuleEvaluator(rules: [Self.rule, AlertRule.highCPU])
        let alerts = evaluator.evaluate(
            [
                MetricSample(metric: "error_rate", labels: ["service": "web", "team": "ops", "severity": "info", "alertname": "X"], value: 0.2),
                Self.errorRate(0.02), Self.errorRate(0.5),
                MetricSample(metric: "cpu", labels: ["host": "web-1"], value: 0.9),
                MetricSample(metric: "latency_p95_ms", labels: ["service": "api"], value: 900),
            ], at: 0)
        #expect(Self.states(alerts) == ["HighErrorRate/api pending", "HighErrorRate/web pending", "HighCPU pending"], "rule order, then fingerprint")
        #expect(alerts[0].value == 0.02, "a repeated series: the first sample counts")
        #expect(alerts[1].labels == ["service": "web", "team": "web", "severity": "critical", "alertname": "HighErrorRate"])
        #expect(alerts[1].fingerprint == #"{alertname="HighErrorRate", service="web", severity="critical", team="web"}"#)
        #expect(alerts[2].labels == ["host": "web-1", "severity": "warning", "alertname": "HighCPU"])
        #expect(alerts[2].annotations["summary"] == "CPU at 90% on web-1")
    }

    @Test func theDefaultsAreTheGuidesFiveAndTheRollbackWithLiveSummaries() throws {
        let defaults = AlertRule.defaults
        #expect(defaults.map(\.name) == ["DeploymentFailed", "SmokeTestsFailed", "HighErrorRate", "HighLatency", "HighCPU", "RollbackInProgress"])
        #expect(
            defaults.map(\.condition.description) == [
                "deployment_failed > 0", "smoke_failed > 0", "error_rate > 0.01", "latency_p95_ms > 500", "cpu > 0.8", "rollback_in_progress > 0",
            ])
        #expect(defaults.map(\.for) == [0, 0, 300, 300, 300, 0])
        #expect(defaults.map(\.severity) == [.critical, .critical, .critical, .warning, .warning, .info])
        for rule in defaults {
            for text in rule.annotations.values { _ = try AlertTemplate.parse(text) }
            #expect(rule.annotations["summary"] != nil && rule.annotations["description"] != nil, "\(rule.name)")
        }
        let labels: AlertLabels = ["service": "api", "environment": "production"]
        #expect(AlertRule.highErrorRate.renderAnnotations(value: 0.0731, labels: labels)["summary"] == "Error rate 7.31% on api in production")
        #expect(AlertRule.highLatency.renderAnnotations(value: 512.3, labels: labels)["summary"] == "p95 latency 512 ms on api in production")
        #expect(AlertRule.deploymentFailed.renderAnnotations(value: 1, labels: labels)["summary"] == "Deployment of api to production failed")
    }
}
