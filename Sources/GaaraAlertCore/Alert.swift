/// One alert instance: a rule's condition holding for one label set, as Prometheus sends it to
/// Alertmanager (and as the dispatcher groups, mutes and notifies it).
public struct Alert: Sendable, Equatable, Codable {
    /// Where an alert is in its life.
    public enum State: String, Sendable, Equatable, Codable {
        /// Its condition holds, but not yet for the rule's `for`: never notified.
        case pending
        /// Its condition has held long enough.
        case firing
        /// It was firing and its condition cleared (or its series disappeared).
        case resolved
    }

    /// Its identity: the sample's labels, the rule's, `severity` and `alertname`.
    public let labels: AlertLabels
    /// Its annotations, rendered with the latest value.
    public var annotations: [String: String]
    /// Where it is in its life.
    public var state: State
    /// When its condition began to hold (seconds since the epoch).
    public var activeAt: Double
    /// When it began firing.
    public var firedAt: Double?
    /// When it resolved.
    public var endsAt: Double?
    /// The latest value of its sample.
    public var value: Double
    /// ``LabelText/render(_:)`` of its labels: stable, so equal label sets are one alert.
    public let fingerprint: String

    /// Creates an alert; the fingerprint is computed from `labels`.
    public init(
        labels: AlertLabels, annotations: [String: String] = [:], state: State, activeAt: Double, firedAt: Double? = nil, endsAt: Double? = nil,
        value: Double = 0
    ) {
        self.labels = labels
        self.annotations = annotations
        self.state = state
        self.activeAt = activeAt
        self.firedAt = firedAt
        self.endsAt = endsAt
        self.value = value
        fingerprint = LabelText.render(labels)
    }

    /// The `alertname` label.
    public var name: String { labels["alertname"] ?? "" }
}
