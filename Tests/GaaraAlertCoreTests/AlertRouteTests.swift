import Testing

@testable import GaaraAlertCore

/// Alertmanager's routing tree: depth first, first match wins unless `continue`, the node itself
/// when no child matches, unset settings inherited.
struct AlertRouteTests {
    /// A tree with `continue`, a nested route, inherited settings and a sibling that never wins.
    static let tree = AlertRoute(
        receiver: "team", groupBy: .labels(["alertname"]), groupWait: 10,
        routes: [
            AlertRoute(receiver: "oncall", matchers: [matcher("severity=critical")], groupWait: 5, continue: true),
            AlertRoute(
                receiver: "web-team", matchers: [matcher(#"service=~"api|web""#)], groupBy: .all, repeatInterval: 3600,
                routes: [AlertRoute(receiver: "web-prod", matchers: [matcher("environment=production")], groupInterval: 60)]),
            AlertRoute(receiver: "db", matchers: [matcher("team=db")]),
            AlertRoute(receiver: "never", matchers: [matcher("team=db")]),
        ])

    @Test(
        arguments: [
            (["severity": "critical", "service": "api", "environment": "production"], ["oncall", "web-prod"]),
            (["severity": "critical", "team": "db"], ["oncall", "db"]),
            (["severity": "warning", "service": "web", "environment": "staging"], ["web-team"]),
            (["severity": "warning", "team": "db"], ["db"]),
            (["severity": "warning", "service": "billing"], ["team"]),
            (["severity": "critical", "service": "billing"], ["oncall"]),
        ] as [(AlertLabels, [String])])
    func routesTo(_ labels: AlertLabels, _ receivers: [String]) {
        #expect(Self.tree.match(labels).map(\.receiver) == receivers)
    }

    @Test func childrenInheritWhatTheyLeaveUnset() {
        let routes = Self.tree.match(["severity": "critical", "service": "api", "environment": "production"])
        #expect(
            routes == [
                ResolvedRoute(
                    path: #"{}/{severity="critical"}/0"#, receiver: "oncall", groupBy: .labels(["alertname"]), groupWait: 5, groupInterval: 300,
                    repeatInterval: 14_400),
                ResolvedRoute(
                    path: #"{}/{service=~"api|web"}/1/{environment="production"}/0"#, receiver: "web-prod", groupBy: .all, groupWait: 10,
                    groupInterval: 60, repeatInterval: 3600),
            ])
    }

    @Test func aRootWithNothingSetUsesAlertmanagersDefaults() {
        #expect(
            AlertRoute().match(["alertname": "A"])
                == [ResolvedRoute(path: "{}", receiver: "default", groupBy: .labels([]), groupWait: 30, groupInterval: 300, repeatInterval: 14_400)])
    }

    @Test func groupLabelsAreTheGroupingLabelsTheAlertHas() {
        let labels: AlertLabels = ["alertname": "A", "service": "api", "host": "web-1"]
        var route = AlertRoute().match(labels)[0]
        #expect(route.groupLabels(for: labels) == [:])
        route.groupBy = .labels(["alertname", "environment"])
        #expect(route.groupLabels(for: labels) == ["alertname": "A"])
        route.groupBy = .all
        #expect(route.groupLabels(for: labels) == labels)
    }
}
