import Testing

@testable import GaaraAlertCore

/// Rules evaluated every few seconds on a fake clock, their alerts dispatched: each fixture is a
/// metric's story and the notifications it must produce, at their exact times.
struct AlertPipelineTests {
    /// One scenario and its expected outcome.
    struct Fixture: Sendable, CustomTestStringConvertible {
        let name: String
        var rules: [AlertRule] = AlertRule.defaults
        var route = AlertRoute(receiver: "team", groupBy: .labels(["alertname"]))
        /// Seconds between evaluations.
        var every = 60.0
        var until = 3600.0
        /// The samples at a time.
        let samples: @Sendable (Double) -> [MetricSample]
        /// `time receiver: firing ...; resolved ...`.
        let expected: [String]

        var testDescription: String { name }
    }

    /// The api's production error rate.
    static func errorRate(_ value: Double, _ service: String = "api") -> MetricSample {
        MetricSample(metric: "error_rate", labels: ["service": service, "environment": "production"], value: value)
    }

    /// The scenarios.
    static let fixtures: [Fixture] = [
        Fixture(
            name: "an error rate above 1% for 5 minutes fires, then resolves",
            samples: { t in [errorRate(t < 600 ? 0.05 : 0.001)] },
            expected: ["330 team: firing HighErrorRate/api", "630 team: resolved HighErrorRate/api"]),
        Fixture(
            name: "an error rate that flaps faster than 5 minutes never notifies",
            samples: { t in [errorRate(t.truncatingRemainder(dividingBy: 300) < 240 ? 0.05 : 0)] },
            expected: []),
        Fixture(
            name: "a failed deployment pages at once and resolves when the next one succeeds",
            every: 10, until: 1000,
            samples: { t in [MetricSample(metric: "deployment_failed", labels: ["service": "api"], value: (100..<200).contains(t) ? 1 : 0)] },
            expected: ["130 team: firing DeploymentFailed/api", "430 team: resolved DeploymentFailed/api"]),
        Fixture(
            name: "keep-firing-for bridges a dip, so one fire and one resolve",
            rules: [AlertRule(name: "Errors", condition: AlertCondition(metric: "error_rate", .greaterThan, 0.01), keepFiringFor: 120)],
            every: 20, until: 1000,
            samples: { t in [errorRate(t < 100 || (160..<300).contains(t) ? 0.05 : 0)] },
            expected: ["30 team: firing Errors/api", "630 team: resolved Errors/api"]),
        Fixture(
            name: "two services slow 20 s apart are one notification",
            every: 20, until: 1000,
            samples: { t in
                [MetricSample(metric: "latency_p95_ms", labels: ["service": "api"], value: 800)]
                    + (t >= 20 ? [MetricSample(metric: "latency_p95_ms", labels: ["service": "web"], value: 900)] : [])
            },
            expected: ["330 team: firing HighLatency/api, HighLatency/web"]),
        Fixture(
            name: "critical alerts page on-call and continue to the service's team",
            route: AlertRoute(
                receiver: "team", groupBy: .labels(["alertname"]),
                routes: [
                    AlertRoute(receiver: "oncall", matchers: [matcher("severity=critical")], groupWait: 0, continue: true),
                    AlertRoute(receiver: "web", matchers: [matcher(#"service=~"api|web""#)]),
                ]),
            samples: { t in [errorRate(0.05), MetricSample(metric: "cpu", labels: ["host": "db-1"], value: t < 1200 ? 0.95 : 0.2)] },
            expected: [
                "300 oncall: firing HighErrorRate/api", "330 web: firing HighErrorRate/api", "330 team: firing HighCPU",
                "1230 team: resolved HighCPU",
            ]),
    ]

    @Test(arguments: fixtures)
    func notifies(_ fixture: Fixture) {
        var evaluator = RuleEvaluator(rules: fixture.rules)
        var clock = DispatchClock(fixture.route)
        var time = 0.0
        while time <= fixture.until {
            clock.receive(evaluator.evaluate(fixture.samples(time), at: time), at: time)
            time += fixture.every
        }
        clock.run(until: fixture.until)
        #expect(clock.log == fixture.expected)
    }
}
