/// Everything `.gaara/alerts.yml` says: the rules (Prometheus' rule files) and where their alerts
/// go (Alertmanager's route, receivers and inhibition rules), folded into one value.
public struct AlertConfig: Sendable, Equatable, Codable {
    /// The rules, the defaults first unless the file drops them.
    public var rules: [AlertRule]
    /// The routing tree.
    public var route: AlertRoute
    /// The receivers routes name.
    public var receivers: [AlertReceiver]
    /// The inhibition rules.
    public var inhibitRules: [InhibitRule]

    /// Creates a configuration; with no arguments, Gaara's defaults: the default rules, the
    /// rollback inhibition, and every alert to the receiver named `default`.
    public init(
        rules: [AlertRule] = AlertRule.defaults, route: AlertRoute = AlertRoute(receiver: "default"), receivers: [AlertReceiver] = [],
        inhibitRules: [InhibitRule] = [InhibitRule.rollbackInProgress]
    ) {
        self.rules = rules
        self.route = route
        self.receivers = receivers
        self.inhibitRules = inhibitRules
    }

    /// The receiver named `name`.
    public func receiver(_ name: String) -> AlertReceiver? {
        receivers.first { $0.name == name }
    }

    /// An evaluator of the rules.
    public func makeEvaluator() -> RuleEvaluator {
        RuleEvaluator(rules: rules)
    }

    /// A dispatcher with the route and inhibition rules, and no silences yet.
    public func makeDispatcher() -> AlertDispatcher {
        AlertDispatcher(route: route, inhibitRules: inhibitRules)
    }
}
