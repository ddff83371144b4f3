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
    /// The SMTP server email receivers send through (Alertmanager's global `smtp_*`).
    public var smtp: AlertSMTP?

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

/// The SMTP server and sender of email receivers (`smtp:` in alerts.yml); the password is the name
/// of a secret, never its value.
public struct AlertSMTP: Sendable, Equatable, Codable {
    /// `host:port`.
    public var server: String
    /// `starttls` (the default), `tls` or `none`.
    public var tls: String
    /// The user name for AUTH, if any.
    public var username: String?
    /// The variable holding the password.
    public var password: String?
    /// The sender.
    public var from: String
    /// A PEM file of certificate authorities trusted besides the system's.
    public var caFile: String?

    /// Creates settings.
    public init(server: String, tls: String = "starttls", username: String? = nil, password: String? = nil, from: String, caFile: String? = nil) {
        self.server = server
        self.tls = tls
        self.username = username
        self.password = password
        self.from = from
        self.caFile = caFile
    }
}
