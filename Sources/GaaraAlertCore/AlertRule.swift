/// How urgent an alert is; carried as the `severity` label, which routes and inhibition match on.
public enum AlertSeverity: String, Sendable, Equatable, Codable, CaseIterable {
    /// Someone should act now (pages on-call when routed so).
    case critical
    /// Something needs a look soon.
    case warning
    /// For the record.
    case info
}

/// An alerting rule, as in a Prometheus rule file: a condition over a metric that must hold for
/// `for` seconds before the alert fires, with the labels and annotations its alerts carry.
public struct AlertRule: Sendable, Equatable, Codable {
    /// The alert's name, which becomes its `alertname` label (`HighErrorRate`).
    public var name: String
    /// What makes an instance active.
    public var condition: AlertCondition
    /// How long (seconds) an instance stays active before it fires; 0 fires at once.
    public var `for`: Double
    /// How long (seconds) a firing instance keeps firing after its condition clears, which spares
    /// a flapping metric a resolve and a fire again; nil resolves at once.
    public var keepFiringFor: Double?
    /// The `severity` label.
    public var severity: AlertSeverity
    /// Labels added to every instance (`team: web`); a sample's own labels of the same name give way.
    public var labels: AlertLabels
    /// Annotation templates (`summary`, `description`, `runbook`), see ``AlertTemplate``.
    public var annotations: [String: String]

    /// Creates a rule.
    public init(
        name: String, condition: AlertCondition, for holdFor: Double = 0, keepFiringFor: Double? = nil, severity: AlertSeverity = .warning,
        labels: AlertLabels = [:], annotations: [String: String] = [:]
    ) {
        self.name = name
        self.condition = condition
        self.for = holdFor
        self.keepFiringFor = keepFiringFor
        self.severity = severity
        self.labels = labels
        self.annotations = annotations
    }

    /// The labels of the instance for a sample with `sampleLabels`: the sample's labels, then the
    /// rule's, then `severity` and `alertname`, each overriding the one before (as Prometheus
    /// lets rule labels override series labels and `alertname` override all).
    public func alertLabels(for sampleLabels: AlertLabels) -> AlertLabels {
        var labels = sampleLabels
        labels.merge(self.labels) { _, rule in rule }
        labels["severity"] = severity.rawValue
        labels["alertname"] = name
        return labels
    }

    /// The annotations rendered for an instance with `value` and `labels` (the instance's labels,
    /// rule labels included, so `{{ $labels.severity }}` works too).
    public func renderAnnotations(value: Double, labels: AlertLabels) -> [String: String] {
        annotations.mapValues { AlertTemplate.render($0, value: value, labels: labels) }
    }
}
