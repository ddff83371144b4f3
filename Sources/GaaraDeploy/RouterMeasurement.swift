import Foundation
import GaaraDeployCore
import GaaraExpressions
import GaaraRouterCore

/// A router metric's measurement: both releases' answers between two readings of the router's
/// counts, as the fields its conditions read (`result.canary.error_rate`, `result.baseline.p95`).
enum RouterMeasurement {
    /// The fields for the window from `base` to `counts` (`seconds` long). No canary request in it
    /// is no data: Inconclusive, never a pass.
    static func fields(
        _ counts: [String: TrafficCounts], since base: [String: TrafficCounts], seconds: Double, canary: String, baseline: String?
    ) throws(MeasurementProblem) -> [String: ExpressionValue] {
        let sample = RolloutRunner.sample(counts, since: base, canary: canary, baseline: baseline ?? "")
        guard sample.canary.trials > 0 else {
            throw .noData("the canary answered no request in the last \(RolloutPlan.duration(seconds))")
        }
        func figures(_ group: String) -> ExpressionValue {
            let now = counts[group] ?? TrafficCounts(requests: 0, errors: 0)
            let then = base[group] ?? TrafficCounts(requests: 0, errors: 0)
            let requests = max(0, now.requests - then.requests)
            let errors = max(0, now.errors - then.errors)
            let buckets =
                now.latency.count == then.latency.count ? zip(now.latency, then.latency).map { max(0, $0 - $1) } : now.latency
            return .object([
                ("requests", .number(requests)),
                ("errors", .number(errors)),
                ("error_rate", .number(requests > 0 ? errors / requests : 0)),
                ("rate", .number(seconds > 0 ? requests / seconds : 0)),
                ("p50", percentile(buckets, 0.50)),
                ("p95", percentile(buckets, 0.95)),
                ("p99", percentile(buckets, 0.99)),
            ])
        }
        // Expressions have no arithmetic: the comparisons users write (canary p95 within 20% of the
        // baseline's) read these instead: `result.ratio.p95 < 1.2`, `result.difference.error_rate < 0.01`.
        let new = figures(canary)
        let old = baseline.map(figures)
        func compare(_ combine: (Double, Double) -> Double?) -> ExpressionValue {
            guard let old else { return .null }
            return .object(
                ["error_rate", "rate", "p50", "p95", "p99"].map { key in
                    guard case .number(let a)? = new[key], case .number(let b)? = old[key], let value = combine(a, b) else { return (key, .null) }
                    return (key, .number(value))
                })
        }
        return [
            "result": .object([
                ("canary", new), ("baseline", old ?? .null), ("difference", compare { $0 - $1 }), ("ratio", compare { $1 > 0 ? $0 / $1 : nil }),
            ])
        ]
    }

    /// The upper bound (milliseconds) of the bucket holding the `quantile`; null with no answers.
    /// Answers slower than the last bound count as twice it.
    static func percentile(_ buckets: [Double], _ quantile: Double) -> ExpressionValue {
        let total = buckets.reduce(0, +)
        guard total > 0 else { return .null }
        let bounds = MetricsWindow.latencyBoundsMs
        var seen = 0.0
        for (index, count) in buckets.enumerated() {
            seen += count
            if seen >= quantile * total { return .number(index < bounds.count ? bounds[index] : bounds[bounds.count - 1] * 2) }
        }
        return .number(bounds[bounds.count - 1] * 2)
    }
}
