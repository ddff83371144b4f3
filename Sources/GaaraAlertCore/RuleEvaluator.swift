/// Prometheus' rule manager as a pure state machine: each evaluation reads the samples of the
/// moment and answers with the alerts, keeping per (rule, label set) state between calls.
///
/// An instance is inactive until its condition holds; then it is pending from `activeAt`, and
/// fires once it has been active for the rule's `for` (a `for` of 0 fires at the same
/// evaluation). A pending instance whose condition clears is dropped without a trace, so a metric
/// that flaps faster than `for` never notifies. A firing instance whose condition clears, or
/// whose series is gone, resolves (after `keepFiringFor`, if set) and is returned once more as
/// resolved, with `endsAt`, then forgotten.
///
/// The caller evaluates at a steady interval, passing the time; nothing here reads a clock. The
/// state is `Codable`, so a restart can keep how long each alert has been active (as Prometheus
/// restores its `for` state).
public struct RuleEvaluator: Sendable, Equatable, Codable {
    /// One instance and what it needs besides the alert.
    struct Instance: Sendable, Equatable, Codable {
        /// The alert as it stands.
        var alert: Alert
        /// When the condition of a firing instance last stopped holding, while `keepFiringFor` runs.
        var keepFiringSince: Double?
    }

    /// The rules, in evaluation order.
    public let rules: [AlertRule]
    /// Per rule (same index), its instances by fingerprint.
    private var instances: [[String: Instance]]

    /// An evaluator with no alerts yet.
    public init(rules: [AlertRule]) {
        self.rules = rules
        instances = Array(repeating: [:], count: rules.count)
    }

    /// The pending and firing alerts after the last evaluation, rule by rule, by fingerprint.
    public var alerts: [Alert] {
        instances.flatMap { $0.values.map(\.alert).sorted { $0.fingerprint < $1.fingerprint } }
    }

    /// Evaluates every rule against `samples` taken at `now` (seconds since the epoch) and returns
    /// the pending and firing alerts, plus those that resolved at this evaluation, rule by rule,
    /// each rule's by fingerprint.
    ///
    /// Two samples of one metric with the same labels are one series: the first is used.
    public mutating func evaluate(_ samples: [MetricSample], at now: Double) -> [Alert] {
        var result: [Alert] = []
        for (index, rule) in rules.enumerated() {
            result += Self.evaluate(rule, &instances[index], samples: samples, at: now)
        }
        return result
    }

    private static func evaluate(_ rule: AlertRule, _ current: inout [String: Instance], samples: [MetricSample], at now: Double) -> [Alert] {
        var seen = Set<String>()
        for sample in samples where sample.metric == rule.condition.metric && rule.condition.holds(for: sample.value) {
            let labels = rule.alertLabels(for: sample.labels)
            var instance = current[LabelText.render(labels)] ?? Instance(alert: Alert(labels: labels, state: .pending, activeAt: now))
            guard seen.insert(instance.alert.fingerprint).inserted else { continue }
            instance.keepFiringSince = nil
            instance.alert.value = sample.value
            instance.alert.annotations = rule.renderAnnotations(value: sample.value, labels: labels)
            if instance.alert.state == .pending, now - instance.alert.activeAt >= rule.for {
                instance.alert.state = .firing
                instance.alert.firedAt = now
            }
            current[instance.alert.fingerprint] = instance
        }
        var resolved: [Alert] = []
        for (fingerprint, var instance) in current where !seen.contains(fingerprint) {
            guard instance.alert.state == .firing else {
                // Pending and cleared: it never fired, so nobody hears of it.
                current[fingerprint] = nil
                continue
            }
            if let keep = rule.keepFiringFor, keep > 0 {
                let since = instance.keepFiringSince ?? now
                if now - since < keep {
                    instance.keepFiringSince = since
                    current[fingerprint] = instance
                    continue
                }
            }
            instance.alert.state = .resolved
            instance.alert.endsAt = now
            resolved.append(instance.alert)
            current[fingerprint] = nil
        }
        return (current.values.map(\.alert) + resolved).sorted { $0.fingerprint < $1.fingerprint }
    }
}
