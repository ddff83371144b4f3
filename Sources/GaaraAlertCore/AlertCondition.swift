/// How a sample's value is compared with a rule's threshold.
public enum ComparisonOperator: String, Sendable, Equatable, Codable, CaseIterable {
    /// `>`
    case greaterThan = ">"
    /// `>=`
    case greaterThanOrEqual = ">="
    /// `<`
    case lessThan = "<"
    /// `<=`
    case lessThanOrEqual = "<="
    /// `==`
    case equal = "=="
    /// `!=`
    case notEqual = "!="

    /// Whether `value OP threshold` holds; NaN never holds, as in PromQL.
    public func compare(_ value: Double, _ threshold: Double) -> Bool {
        switch self {
        case .greaterThan: value > threshold
        case .greaterThanOrEqual: value >= threshold
        case .lessThan: value < threshold
        case .lessThanOrEqual: value <= threshold
        case .equal: value == threshold
        case .notEqual: !value.isNaN && value != threshold
        }
    }
}

/// A rule's condition over one metric: `error_rate > 0.01`. Every sample of the metric for which
/// it holds is an active alert instance.
public struct AlertCondition: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The metric it reads.
    public var metric: String
    /// The comparison.
    public var comparison: ComparisonOperator
    /// The threshold, in the metric's unit (a share for ratios, milliseconds for `_ms` metrics).
    public var threshold: Double

    /// Creates a condition.
    public init(metric: String, _ comparison: ComparisonOperator, _ threshold: Double) {
        self.metric = metric
        self.comparison = comparison
        self.threshold = threshold
    }

    /// Whether a sample with `value` makes the alert active.
    public func holds(for value: Double) -> Bool {
        comparison.compare(value, threshold)
    }

    /// `error_rate > 0.01`.
    public var description: String {
        "\(metric) \(comparison.rawValue) \(NumberText.compact(threshold, significant: 15))"
    }
}
