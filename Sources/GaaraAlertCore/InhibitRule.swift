/// An inhibition rule: while a firing alert matches ``sourceMatchers``, alerts matching
/// ``targetMatchers`` with the same values of the ``equal`` labels are not notified.
///
/// Gaara's own use: while a release is being rolled back, the `RollbackInProgress` alert of its
/// environment and service quiets that service's other alerts (see ``rollbackInProgress``).
public struct InhibitRule: Sendable, Equatable, Codable {
    /// What a source alert matches.
    public var sourceMatchers: [LabelMatcher]
    /// What a muted alert matches.
    public var targetMatchers: [LabelMatcher]
    /// Labels whose values must be equal in source and target (a label both lack counts as equal).
    public var equal: [String]

    /// Creates a rule.
    public init(sourceMatchers: [LabelMatcher], targetMatchers: [LabelMatcher], equal: [String] = []) {
        self.sourceMatchers = sourceMatchers
        self.targetMatchers = targetMatchers
        self.equal = equal
    }

    /// While a rollback runs, the rolled-back service's warnings and critical alerts are quiet.
    public static let rollbackInProgress = InhibitRule(
        sourceMatchers: [try! LabelMatcher("alertname", .equal, "RollbackInProgress")],
        targetMatchers: [try! LabelMatcher("severity", .regex, "warning|critical")], equal: ["environment", "service"])

    /// Whether `target` is muted by one of the firing `sources` (alerts in any state may be
    /// passed; only firing ones inhibit).
    ///
    /// As in Alertmanager, an alert that matches both sides is never muted by another alert that
    /// matches both sides, so such alerts cannot silence each other (or themselves).
    public func mutes(_ target: Alert, sources: some Sequence<Alert>) -> Bool {
        guard targetMatchers.matches(target.labels) else { return false }
        let targetIsSource = sourceMatchers.matches(target.labels)
        return sources.contains { source in
            source.state == .firing && source.fingerprint != target.fingerprint && sourceMatchers.matches(source.labels)
                && equal.allSatisfy { (source.labels[$0] ?? "") == (target.labels[$0] ?? "") }
                && !(targetIsSource && targetMatchers.matches(source.labels))
        }
    }
}
