import Testing

@testable import GaaraWorkflow

/// `.gaara/alerts.yml` read into rules, route, receivers and inhibition rules, with the defaults,
/// and every mistake reported at its `line:col`.
///
/// The model's types live in GaaraAlertCore, which this test target does not import: the checks
/// go through properties and `description`s, which need no type names.
struct AlertConfigTests {
    /// The result of loading `text` as `.gaara/alerts.yml`.
    static func load(_ text: String) -> AlertConfigLoader.Result {
        AlertConfigLoader.load(text: text, path: ".gaara/alerts.yml")
    }

    /// `line:col: message` of each error.
    static func errors(_ text: String) -> [String] {
        load(text).diagnostics.filter { $0.severity == .error }.map { "\($0.location.line):\($0.location.column): \($0.message)" }
    }

    /// The brief's example, every key used.
    static let full = """
        rules:
          - alert: HighErrorRate
            expr: error_rate > 1%
            for: 5m
            keep-firing-for: 1m
            severity: critical
            labels: {team: web}
            annotations: {summary: "error rate {{ $value | percent }} on {{ $labels.service }}"}
          - alert: SlowCheckout
            expr: latency_p95_ms >= 750ms
            for: 10m
        route:
          receiver: team
          group-by: [alertname, environment]
          group-wait: 30s
          group-interval: 5m
          repeat-interval: 4h
          routes:
            - matchers: ['severity="critical"']
              receiver: oncall
              continue: true
              group-wait: 10s
            - matchers: [service=~"api|web", environment!=staging]
              group-by: [...]
        receivers:
          - name: team
            slack: SLACK_WEBHOOK
            email: {to: [ops@example.com]}
          - name: oncall
            pagerduty: PD_ROUTING_KEY
            webhook: {url: https://hooks.example.com/alerts, secret: HOOK_SECRET}
        inhibit-rules:
          - source-matchers: ['alertname="RollbackInProgress"']
            target-matchers: ['severity=~"warning|critical"']
            equal: [environment, service]
        smtp: {server: "smtp.example.com:587", username: alerts, password: SMTP_PASSWORD, from: "Gaara <alerts@example.com>"}
        """

    @Test func aFullFileReadsIntoTheModel() throws {
        let result = Self.load(Self.full)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let config = try #require(result.config)
        #expect(config.smtp?.server == "smtp.example.com:587" && config.smtp?.password == "SMTP_PASSWORD" && config.smtp?.tls == "starttls")
        #expect(config.smtp?.from == "Gaara <alerts@example.com>" && config.smtp?.username == "alerts")

        #expect(
            config.rules.map(\.name) == [
                "DeploymentFailed", "SmokeTestsFailed", "HighLatency", "HighCPU", "RollbackInProgress", "HighErrorRate", "SlowCheckout",
            ])
        let errors = config.rules[5]
        #expect(errors.condition.description == "error_rate > 0.01" && errors.for == 300 && errors.keepFiringFor == 60)
        #expect(errors.severity == .critical && errors.labels == ["team": "web"])
        #expect(errors.annotations == ["summary": "error rate {{ $value | percent }} on {{ $labels.service }}"])
        let checkout = config.rules[6]
        #expect(checkout.condition.description == "latency_p95_ms >= 750" && checkout.for == 600)
        #expect(checkout.severity == .warning && checkout.keepFiringFor == nil && checkout.labels.isEmpty, "defaults")

        let route = config.route
        #expect(route.receiver == "team" && route.groupBy == .labels(["alertname", "environment"]))
        #expect(route.groupWait == 30 && route.groupInterval == 300 && route.repeatInterval == 14_400 && route.matchers.isEmpty)
        #expect(route.routes.count == 2)
        let oncall = route.routes[0]
        #expect(oncall.matchers.map(\.description) == [#"severity="critical""#])
        #expect(oncall.receiver == "oncall" && oncall.continue && oncall.groupWait == 10 && oncall.groupBy == nil, "the rest is inherited")
        let web = route.routes[1]
        #expect(web.matchers.map(\.description) == [#"service=~"api|web""#, #"environment!="staging""#])
        #expect(web.receiver == nil && !web.continue && web.groupBy == .all)

        #expect(config.receivers.map(\.name) == ["team", "oncall"])
        #expect(config.receivers[0].slack == "SLACK_WEBHOOK" && config.receivers[0].email?.to == ["ops@example.com"])
        #expect(config.receivers[0].pagerDuty == nil && config.receivers[0].webhook == nil)
        #expect(config.receivers[1].pagerDuty == "PD_ROUTING_KEY")
        #expect(config.receivers[1].webhook?.url == "https://hooks.example.com/alerts" && config.receivers[1].webhook?.secret == "HOOK_SECRET")

        #expect(config.inhibitRules.count == 2, "the rollback default first, then the file's")
        #expect(config.inhibitRules[0] == config.inhibitRules[1], "the file spells out the default")
        let inhibit = config.inhibitRules[1]
        #expect(inhibit.sourceMatchers.map(\.description) == [#"alertname="RollbackInProgress""#])
        #expect(inhibit.targetMatchers.map(\.description) == [#"severity=~"warning|critical""#])
        #expect(inhibit.equal == ["environment", "service"])
    }

    @Test func anEmptyFileIsTheDefaultsAndDefaultsFalseDropsThem() throws {
        for text in ["", "# nothing yet\n"] {
            let config = try #require(Self.load(text).config)
            #expect(
                config.rules.map(\.name) == ["DeploymentFailed", "SmokeTestsFailed", "HighErrorRate", "HighLatency", "HighCPU", "RollbackInProgress"])
            #expect(config.route.receiver == "default" && config.receivers.isEmpty && config.inhibitRules.count == 1)
        }
        let bare = try #require(Self.load("defaults: false\nreceivers: [{name: team, slack: SLACK}]").config)
        #expect(bare.rules.isEmpty && bare.inhibitRules.isEmpty)
        #expect(bare.route.receiver == "team", "without a route, the one receiver gets everything")
        #expect(bare.route.groupWait == nil && bare.route.routes.isEmpty)
    }

    @Test func shorthandsForEmailAndWebhookAndBareMatchers() throws {
        let result = Self.load(
            """
            route: {receiver: a, routes: [{matchers: severity=critical, receiver: a}]}
            receivers: [{name: a, email: [x@example.com, y@example.com], webhook: "http://127.0.0.1:9000/hook"}]
            smtp: {server: localhost, tls: none, from: alerts@example.com}
            """)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let config = try #require(result.config)
        #expect(config.receivers[0].email?.to == ["x@example.com", "y@example.com"])
        #expect(config.receivers[0].webhook?.url == "http://127.0.0.1:9000/hook" && config.receivers[0].webhook?.secret == nil)
        #expect(config.route.routes[0].matchers.map(\.description) == [#"severity="critical""#])
    }

    /// A second line defining the receiver `team`.
    static let receiver = "\nreceivers: [{name: team}]"

    @Test(arguments: [
        (
            "rules: [{alert: Errors, expr: error_rate > 1%, severty: critical}]",
            "1:48: unknown key 'severty' in rule 'Errors' (did you mean 'severity'?)"
        ),
        ("rules: [{alert: Errors, expr: error_rate >> 1%}]", "1:42: unknown operator '>>'; use >, >=, <, <=, == or !="),
        (#"rules: [{alert: Errors, expr: "error_rate = 1%"}]"#, "1:43: unknown operator '=' (did you mean '=='?); use >, >=, <, <=, == or !="),
        ("rules: [{alert: Errors, expr: error_rate > 1x}]", "1:45: unknown unit 'x'; use %, ms, s, m or h, or none"),
        (
            "rules: [{alert: Errors, expr: cpu > 500ms}]",
            "1:40: a duration needs a metric measured in time (its name ending in _ms or _seconds); 'cpu' has no unit"
        ),
        ("rules: [{alert: Errors, expr: error_rate}]", "1:41: expected a comparison (>, >=, <, <=, ==, !=) after 'error_rate'"),
        ("rules:\n  - alert: Errors\n    expr: error_rate >> 1%", "3:22: unknown operator '>>'; use >, >=, <, <=, == or !="),
        ("rules: [{alert: Errors}]", "1:9: rule 'Errors' needs 'expr' (metric OP threshold, like error_rate > 1%)"),
        ("rules: [{expr: error_rate > 1%}]", "1:9: a rule needs 'alert' (its name, like HighErrorRate)"),
        (
            "rules: [{alert: High Errors, expr: error_rate > 1%}]",
            "1:17: alert name 'High Errors' must be letters, digits and '_', not starting with a digit (HighErrorRate)"
        ),
        (
            "rules: [{alert: Errors, expr: error_rate > 1%, for: soon}]",
            "1:53: 'for' must be a duration (30s, 2m, 1h30m, 500ms) or seconds, found 'soon'"
        ),
        (
            "rules: [{alert: Errors, expr: error_rate > 1%, severity: critcal}]",
            "1:58: 'severity' must be critical, warning or info, not 'critcal' (did you mean 'critical'?)"
        ),
        (
            "rules: [{alert: Errors, expr: error_rate > 1%, labels: {severity: info}}]",
            "1:57: 'severity' is set by the rule's 'severity', not by its labels"
        ),
        (
            #"rules: [{alert: Errors, expr: error_rate > 1%, annotations: {summary: "at {{ $value | hours }}"}}]"#,
            "1:75: unknown template '{{ $value | hours }}'; use {{ $value }}, {{ $value | percent }}, {{ $value | ms }} or {{ $labels.NAME }}"
        ),
        ("rules: {alert: Errors}", "1:8: 'rules' must be a sequence of rules, found a mapping"),
        ("defaults: no", "1:11: 'defaults' must be true or false, found a string"),
        ("alerts: []", "1:1: unknown key 'alerts' in the alerts configuration"),
        ("route: {receiver: team}", "1:19: no receiver is named 'team'; none is defined under 'receivers'"),
        ("route: {receiver: tema}" + receiver, "1:19: no receiver is named 'tema' (did you mean 'team'?); define it under 'receivers'"),
        ("route: {group-by: [alertname]}" + receiver, "1:8: the root route needs 'receiver': where alerts no child route takes go"),
        ("route: {receiver: team, matchers: [a=b]}" + receiver, "1:25: the root route takes every alert; 'matchers' go on its child 'routes'"),
        (
            #"route: {receiver: team, routes: [{matchers: ['severity=="critical"'], receiver: team}]}"# + receiver,
            "1:55: bad matcher: unknown operator '=='; use =, !=, =~ or !~ (a single '=' compares)"
        ),
        (
            #"route: {receiver: team, routes: [{matchers: ['service=~"(api"'], receiver: team}]}"# + receiver,
            "1:56: bad matcher: invalid regular expression '(api': expected ')'"
        ),
        ("route: {receiver: team, routes: [{matcher: [a=b]}]}" + receiver, "1:35: unknown key 'matcher' in a child route (did you mean 'matchers'?)"),
        ("route: {receiver: team, group-by: [alertname, ...]}" + receiver, "1:35: '...' groups by every label, so it stands alone in 'group-by'"),
        ("route: {receiver: team, group-interval: 0s}" + receiver, "1:41: 'group-interval' must be longer than 0"),
        ("receivers: [{name: team}, {name: team}]", "1:34: receiver 'team' is defined twice (first at 1:20)"),
        ("receivers: [{name: a}, {name: b}]", "1:1: with 2 receivers, 'route' must say which one gets the alerts"),
        (
            "receivers: [{name: team, slack: https://hooks.slack.com/x}]",
            "1:33: 'slack' names the secret that holds it (SLACK_WEBHOOK), not 'https://hooks.slack.com/x'"
        ),
        ("smtp: {server: x, from: a@b.c}\nreceivers: [{name: team, email: {to: [ops]}}]", "2:39: 'ops' is not an email address"),
        (
            "receivers: [{name: team, email: {to: [ops@example.com]}}]",
            "1:26: an email receiver needs the server to send through: add 'smtp: {server: …, from: …}'"
        ),
        ("smtp: {server: x, from: a@b.c, to: [d@e.f]}", "1:32: unknown key 'to' in 'smtp'"),
        (
            "receivers: [{name: team, webhook: {url: hooks.example.com}}]",
            "1:41: the webhook URL must start with https:// or http://, not 'hooks.example.com'"
        ),
        ("receivers: [{name: team, pager: PD}]", "1:26: unknown key 'pager' in receiver 'team'"),
        ("receivers: [{slack: SLACK}]", "1:13: a receiver needs 'name' (what routes call it)"),
        (
            "inhibit-rules: [{source-matchers: [alertname=RollbackInProgress]}]",
            "1:17: an inhibit rule needs 'source-matchers' (what mutes) and 'target-matchers' (what is muted)"
        ),
        (
            "inhibit-rules: [{source-matchers: [a=b], target-matchers: [c=d], equal: [env-name]}]",
            "1:74: 'env-name' in 'equal' is not a label name (letters, digits and '_', not starting with a digit)"
        ),
    ])
    func reportsMistakesAtTheirPlace(_ text: String, _ expected: String) {
        let result = Self.load(text)
        #expect(Self.errors(text) == [expected])
        #expect(result.config == nil, "a file with errors gives no configuration")
    }

    @Test func aMisspelledMetricIsAWarning() {
        let result = Self.load("rules: [{alert: Errors, expr: eror_rate > 1%}]")
        #expect(!result.hasErrors && result.config != nil)
        #expect(
            result.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)" } == [
                "1:31: metric 'eror_rate' is not one Gaara measures (did you mean 'error_rate'?); the rule would never fire"
            ])
        #expect(result.rendered.hasPrefix(".gaara/alerts.yml:1:31: warning: metric 'eror_rate'"), "\(result.rendered)")
    }
}
