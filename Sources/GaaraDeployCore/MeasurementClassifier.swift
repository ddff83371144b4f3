import Foundation
import GaaraExpressions

/// Classifies a measured value by a metric's conditions, with Argo Rollouts' rules: no condition is
/// Successful; only a success condition fails when it is false; only a failure condition succeeds
/// when it is false; both given and neither true is Inconclusive; the failure condition wins.
/// Conditions are Gaara expressions (`result.canary.error_rate < 0.01`, with or without `${{ }}`)
/// over `result` and the provider's other fields (`status`, `exit_code`).
public enum MeasurementClassifier {
    /// A condition that cannot be parsed, with the parser's message.
    public struct ConditionError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The parser's message.
        public let message: String
        /// The message.
        public var description: String { message }
    }

    /// The expression of a condition: its text without a surrounding `${{ }}`.
    public static func expression(_ condition: String) -> String {
        let trimmed = condition.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("${{"), trimmed.hasSuffix("}}") else { return trimmed }
        return String(trimmed.dropFirst(3).dropLast(2)).trimmingCharacters(in: .whitespaces)
    }

    /// Checks that `condition` parses (what `gaara validate` reports at the condition's place).
    public static func check(_ condition: String) throws(ConditionError) {
        do {
            _ = try ExpressionParser.parse(expression(condition))
        } catch {
            throw ConditionError(message: "\(error)")
        }
    }

    /// The phase of a measurement of `fields` (`result` and the provider's others) under `metric`'s
    /// conditions, and a message when it is not Successful.
    public static func classify(_ fields: [String: ExpressionValue], metric: AnalysisMetric) -> (MetricMeasurement.Phase, String) {
        let context = EvaluationContext(contexts: fields)
        func holds(_ condition: String?) throws -> Bool? {
            guard let condition else { return nil }
            return try ExpressionEvaluator.evaluate(expression(condition), in: context).isTruthy
        }
        let success: Bool?
        let failure: Bool?
        do {
            success = try holds(metric.successCondition)
            failure = try holds(metric.failureCondition)
        } catch {
            return (.error, "a condition could not be evaluated: \(error)")
        }
        switch (success, failure) {
        case (nil, nil): return (.successful, "")
        case (let success?, nil): return success ? (.successful, "") : (.failed, "success condition '\(metric.successCondition!)' is false")
        case (nil, let failure?): return failure ? (.failed, "failure condition '\(metric.failureCondition!)' is true") : (.successful, "")
        case (let success?, let failure?):
            if failure { return (.failed, "failure condition '\(metric.failureCondition!)' is true") }
            return success ? (.successful, "") : (.inconclusive, "neither the success nor the failure condition holds")
        }
    }

    /// A measurement of `fields` at `finished`: classified, its value (`result`) kept as JSON.
    public static func measurement(_ fields: [String: ExpressionValue], metric: AnalysisMetric, finished: Date) -> MetricMeasurement {
        let (phase, message) = classify(fields, metric: metric)
        let value = ExpressionJSON.serialize(fields["result"] ?? .null, indent: false)
        return MetricMeasurement(phase: phase, value: value, message: message.isEmpty ? "" : "\(message) (result \(value))", finished: finished)
    }
}
