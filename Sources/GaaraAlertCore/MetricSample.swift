/// One value of one series at evaluation time: what the rule evaluator reads, like one element
/// of a Prometheus instant vector (`error_rate{environment="production", service="api"} 0.07`).
public struct MetricSample: Sendable, Equatable, Codable {
    /// The metric's name (`error_rate`, `latency_p95_ms`, `cpu`, `deployment_failed`, ...).
    public var metric: String
    /// The series' labels (`environment`, `service`, `host`, ...); each set is its own alert.
    public var labels: AlertLabels
    /// The value: ratios as shares (0.07 for 7%), latencies in the unit the name says.
    public var value: Double

    /// Creates a sample.
    public init(metric: String, labels: AlertLabels = [:], value: Double) {
        self.metric = metric
        self.labels = labels
        self.value = value
    }
}
