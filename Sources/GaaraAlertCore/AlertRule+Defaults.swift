/// The rules Gaara ships with: what the deployment guide says every service should alert on.
extension AlertRule {
    /// A deployment failed (`deployment_failed > 0`, at once, critical).
    public static let deploymentFailed = AlertRule(
        name: "DeploymentFailed", condition: AlertCondition(metric: "deployment_failed", .greaterThan, 0), severity: .critical,
        annotations: [
            "summary": "Deployment of {{ $labels.service }} to {{ $labels.environment }} failed",
            "description": "The rollout did not finish; the previous release keeps serving. See the deployment's log for the failing step.",
        ])

    /// Smoke tests failed after a deploy (`smoke_failed > 0`, at once, critical).
    public static let smokeTestsFailed = AlertRule(
        name: "SmokeTestsFailed", condition: AlertCondition(metric: "smoke_failed", .greaterThan, 0), severity: .critical,
        annotations: [
            "summary": "Smoke tests failed for {{ $labels.service }} in {{ $labels.environment }}",
            "description": "{{ $value }} smoke test check(s) failed against the new release.",
        ])

    /// More than 1% of requests fail for 5 minutes (critical: users see errors).
    public static let highErrorRate = AlertRule(
        name: "HighErrorRate", condition: AlertCondition(metric: "error_rate", .greaterThan, 0.01), for: 300, severity: .critical,
        annotations: [
            "summary": "Error rate {{ $value | percent }} on {{ $labels.service }} in {{ $labels.environment }}",
            "description": "More than 1% of requests have failed for 5 minutes.",
        ])

    /// The 95th percentile latency is above 500 ms for 5 minutes.
    public static let highLatency = AlertRule(
        name: "HighLatency", condition: AlertCondition(metric: "latency_p95_ms", .greaterThan, 500), for: 300, severity: .warning,
        annotations: [
            "summary": "p95 latency {{ $value | ms }} on {{ $labels.service }} in {{ $labels.environment }}",
            "description": "The 95th percentile of response times has been above 500 ms for 5 minutes.",
        ])

    /// CPU use is above 80% for 5 minutes.
    public static let highCPU = AlertRule(
        name: "HighCPU", condition: AlertCondition(metric: "cpu", .greaterThan, 0.8), for: 300, severity: .warning,
        annotations: [
            "summary": "CPU at {{ $value | percent }} on {{ $labels.host }}",
            "description": "CPU use has been above 80% for 5 minutes.",
        ])

    /// A rollout is sending a service's traffic back to its previous release (`rollback_in_progress
    /// > 0`, at once, info). It is the source of ``InhibitRule/rollbackInProgress``: while it fires,
    /// the service's warnings and critical alerts wait, since the rollback is already the answer.
    public static let rollbackInProgress = AlertRule(
        name: "RollbackInProgress", condition: AlertCondition(metric: "rollback_in_progress", .greaterThan, 0), severity: .info,
        annotations: [
            "summary": "Rolling back {{ $labels.service }} in {{ $labels.environment }}",
            "description": "A rollout is sending traffic back to the previous release; the service's other alerts wait until it ends.",
        ])

    /// The defaults, in the order above: they apply unless `.gaara/alerts.yml` says `defaults: false`.
    public static let defaults: [AlertRule] = [deploymentFailed, smokeTestsFailed, highErrorRate, highLatency, highCPU, rollbackInProgress]
}
