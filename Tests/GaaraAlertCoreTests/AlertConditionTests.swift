import Testing

@testable import GaaraAlertCore

/// `expr` read as `metric OP threshold`, units converted to the metric's, mistakes at their offset.
struct AlertConditionTests {
    @Test(arguments: [
        ("error_rate > 1%", AlertCondition(metric: "error_rate", .greaterThan, 0.01)),
        ("error_rate > 0.01", AlertCondition(metric: "error_rate", .greaterThan, 0.01)),
        ("latency_p95_ms >= 500ms", AlertCondition(metric: "latency_p95_ms", .greaterThanOrEqual, 500)),
        ("latency_p95_ms > 0.5s", AlertCondition(metric: "latency_p95_ms", .greaterThan, 500)),
        ("request_seconds < 250ms", AlertCondition(metric: "request_seconds", .lessThan, 0.25)),
        ("cpu>80%", AlertCondition(metric: "cpu", .greaterThan, 0.8)),
        ("  deployment_failed   >   0 ", AlertCondition(metric: "deployment_failed", .greaterThan, 0)),
        ("free_disk <= -1.5", AlertCondition(metric: "free_disk", .lessThanOrEqual, -1.5)),
        ("requests == 1e3", AlertCondition(metric: "requests", .equal, 1000)),
        ("up != 1", AlertCondition(metric: "up", .notEqual, 1)),
    ])
    func readsAConditionWithItsUnits(_ text: String, _ expected: AlertCondition) throws {
        #expect(try AlertCondition.parse(text) == expected)
    }

    @Test(arguments: [
        ("> 1", 0, "expected a metric name (error_rate, latency_p95_ms, cpu, ...), found '>'"),
        ("error_rate", 10, "expected a comparison (>, >=, <, <=, ==, !=) after 'error_rate'"),
        ("error_rate 1%", 11, "expected a comparison (>, >=, <, <=, ==, !=) after 'error_rate', found '1'"),
        ("error_rate >> 1%", 11, "unknown operator '>>'; use >, >=, <, <=, == or !="),
        ("error_rate = 1%", 11, "unknown operator '=' (did you mean '=='?); use >, >=, <, <=, == or !="),
        ("error_rate >", 12, "expected a threshold after '>' (0.01, 1%, 500ms)"),
        ("error_rate > high", 13, "'high' is not a number; write a threshold like 0.01, 1%, 500ms or 80%"),
        ("error_rate > 5x", 14, "unknown unit 'x'; use %, ms, s, m or h, or none"),
        ("cpu > 500ms", 9, "a duration needs a metric measured in time (its name ending in _ms or _seconds); 'cpu' has no unit"),
        ("error_rate > 1% and cpu > 1", 16, "unexpected 'and cpu > 1' after the threshold; a rule compares one metric with one value"),
    ])
    func reportsMistakesAtTheirOffset(_ text: String, _ offset: Int, _ message: String) {
        #expect(throws: AlertSyntaxError(message, at: offset)) { try AlertCondition.parse(text) }
    }

    @Test func comparisonsHoldAsWrittenAndNaNNeverHolds() {
        #expect(AlertCondition(metric: "m", .greaterThan, 1).holds(for: 1.5))
        #expect(!AlertCondition(metric: "m", .greaterThan, 1).holds(for: 1))
        #expect(AlertCondition(metric: "m", .greaterThanOrEqual, 1).holds(for: 1))
        #expect(AlertCondition(metric: "m", .lessThan, 1).holds(for: 0.5))
        #expect(AlertCondition(metric: "m", .lessThanOrEqual, 1).holds(for: 1))
        #expect(AlertCondition(metric: "m", .equal, 1).holds(for: 1))
        #expect(AlertCondition(metric: "m", .notEqual, 1).holds(for: 2))
        for comparison in ComparisonOperator.allCases {
            #expect(!AlertCondition(metric: "m", comparison, 1).holds(for: .nan), "\(comparison)")
        }
        #expect(AlertCondition(metric: "error_rate", .greaterThan, 0.01).description == "error_rate > 0.01")
    }
}
