import Foundation
import GaaraDeployCore
import GaaraExpressions
import Testing

/// Argo Rollouts' analysis rules as ``MetricRun`` applies them: when measurements are due, how
/// limits decide a metric, and how metrics decide the run.
struct MetricRunTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    static func measure(_ phase: MetricMeasurement.Phase, at seconds: Double = 0) -> MetricMeasurement {
        MetricMeasurement(phase: phase, message: phase == .successful ? "" : "\(phase)", finished: at(seconds))
    }

    /// A run of one metric with `phases` recorded in order.
    static func run(_ metric: AnalysisMetric, _ phases: [MetricMeasurement.Phase]) -> MetricRun {
        var run = MetricRun(metrics: [metric], started: t0)
        for (index, phase) in phases.enumerated() { run.record(metric.name, measure(phase, at: Double(index))) }
        return run
    }

    @Test func measurementsAreDueAfterTheInitialDelayThenEachIntervalAfterTheLastEnded() {
        let metric = AnalysisMetric(name: "smoke", provider: .command("true", timeout: 5), interval: 10, count: 3, initialDelay: 5)
        var run = MetricRun(metrics: [metric], started: Self.t0)
        #expect(run.due(at: Self.at(4.9)).isEmpty)
        #expect(run.due(at: Self.at(5)) == ["smoke"])
        run.begin("smoke")
        #expect(run.due(at: Self.at(30)).isEmpty, "one measurement at a time")
        run.record("smoke", Self.measure(.successful, at: 7))
        #expect(run.nextDue == Self.at(17), "the interval runs from the end of the last measurement")
        #expect(run.due(at: Self.at(16.9)).isEmpty)
        #expect(run.due(at: Self.at(17)) == ["smoke"])
    }

    @Test func aRouterMetricsFirstWindowIsOneIntervalLong() {
        let metric = AnalysisMetric(name: "errors", provider: .router, interval: 10, initialDelay: 5)
        let run = MetricRun(metrics: [metric], started: Self.t0)
        #expect(run.nextDue == Self.at(15), "not an empty window at the initial delay")
    }

    @Test func aMetricWithACountSucceedsOnceItsMeasurementsAreTaken() {
        let metric = AnalysisMetric(name: "m", interval: 1, count: 3)
        #expect(Self.run(metric, [.successful, .successful]).phase == .running)
        let done = Self.run(metric, [.successful, .successful, .successful])
        #expect(done.phase == .successful)
        #expect(done.findings == ["metric 'm' (router) successful: 3 of 3 measurements successful"])
    }

    @Test func failuresBeyondTheFailureLimitFailTheMetric() {
        let metric = AnalysisMetric(name: "m", interval: 1, count: 5, failureLimit: 1)
        #expect(Self.run(metric, [.failed, .successful]).phase == .running, "one failure is within the limit")
        let run = Self.run(metric, [.failed, .successful, .failed])
        #expect(run.phase == .failed)
        #expect(run.deciding == ["metric 'm' (router) failed: 2 of 3 measurements failed (failure limit 1); last: failed"])
        #expect(Self.run(AnalysisMetric(name: "m", interval: 1, count: 2), [.failed]).phase == .failed, "Argo's default limit is 0")
    }

    @Test func aNegativeFailureLimitNeverFailsButAConsecutiveLimitStillDoes() {
        let lenient = AnalysisMetric(name: "m", interval: 1, count: 6, failureLimit: -1)
        #expect(Self.run(lenient, [.failed, .successful, .failed, .successful, .failed]).phase == .running)
        let streaks = AnalysisMetric(name: "m", interval: 1, count: 6, failureLimit: -1, consecutiveFailureLimit: 2)
        #expect(Self.run(streaks, [.failed, .successful, .failed]).phase == .running, "scattered blips are tolerated")
        let run = Self.run(streaks, [.failed, .successful, .failed, .failed])
        #expect(run.phase == .failed)
        #expect(run.deciding.first?.contains("2 measurements in a row failed (consecutive failure limit 2)") == true)
    }

    @Test func errorsAreRetriedAndOnlyAStreakBeyondTheLimitErrs() {
        let metric = AnalysisMetric(name: "m", interval: 1, count: 2, consecutiveErrorLimit: 2)
        #expect(Self.run(metric, [.error, .error, .successful, .error, .error]).phase == .running, "a success resets the streak")
        #expect(Self.run(metric, [.error, .successful, .successful]).phase == .successful, "errors do not count as measurements")
        #expect(Self.run(metric, [.error, .error, .error]).phase == .error)
        // Without an interval an errored single measurement is retried after a pause, not at once.
        var single = MetricRun(metrics: [AnalysisMetric(name: "once", provider: .command("x", timeout: 1))], started: Self.t0)
        single.record("once", Self.measure(.error, at: 2))
        #expect(single.nextDue == Self.at(2 + MetricRun.errorRetry))
    }

    @Test func anInconclusiveMeasurementBeyondItsLimitHoldsForAPerson() {
        #expect(Self.run(AnalysisMetric(name: "m", interval: 1, count: 3), [.inconclusive]).phase == .inconclusive)
        let tolerant = AnalysisMetric(name: "m", interval: 1, count: 3, inconclusiveLimit: 1)
        #expect(Self.run(tolerant, [.inconclusive, .successful]).phase == .running)
        #expect(Self.run(tolerant, [.inconclusive, .successful, .successful]).phase == .successful)
    }

    @Test func theWorstMetricDecidesTheRunAndDryRunsDecideNothing() {
        let failing = AnalysisMetric(name: "a", interval: 1, count: 1)
        let erring = AnalysisMetric(name: "b", interval: 1, count: 1, consecutiveErrorLimit: 0)
        let unsure = AnalysisMetric(name: "c", interval: 1, count: 1)
        var run = MetricRun(metrics: [unsure, erring, failing], started: Self.t0)
        run.record("c", Self.measure(.inconclusive))
        #expect(run.phase == .inconclusive)
        run.record("b", Self.measure(.error))
        #expect(run.phase == .error, "an error outranks an inconclusive metric")
        run.record("a", Self.measure(.failed))
        #expect(run.phase == .failed)

        var dry = MetricRun(metrics: [AnalysisMetric(name: "d", interval: 1, count: 1, dryRun: true)], started: Self.t0)
        dry.record("d", Self.measure(.failed))
        #expect(dry.phase == .successful)
        #expect(dry.findings.first?.hasPrefix("metric 'd' (router) [dry run] failed") == true, "\(dry.findings)")
    }

    @Test func metricsMeasuredUntilTheStepEndsDoNotHoldItUp() {
        let background = AnalysisMetric(name: "bg", interval: 1)
        var run = MetricRun(metrics: [background], started: Self.t0)
        #expect(run.phase == .successful, "nothing to wait for")
        run.record("bg", Self.measure(.failed))
        #expect(run.phase == .failed, "but a failure still fails")
    }

    @Test func theEndOfAStepNeverPassesAMetricSilently() {
        var run = MetricRun(
            metrics: [
                AnalysisMetric(name: "counted", interval: 10, count: 6), AnalysisMetric(name: "bg", interval: 1),
                AnalysisMetric(name: "idle", interval: 1),
            ], started: Self.t0)
        run.record("counted", Self.measure(.successful))
        run.record("bg", Self.measure(.successful))
        run.conclude()
        #expect(run.state("counted")?.phase == .inconclusive)
        #expect(run.state("counted")?.reason == "took 1 of its 6 measurements before the step ended")
        #expect(run.state("bg")?.phase == .successful)
        #expect(run.state("idle")?.phase == .inconclusive)
        #expect(run.phase == .inconclusive)
    }

    @Test func aRecordedRunRoundTripsThroughJSON() throws {
        let run = Self.run(
            AnalysisMetric(name: "m", provider: .prometheus(address: "http://p", query: "up", timeout: 5), interval: 1, count: 2), [.successful])
        let data = try JSONEncoder().encode(run)
        #expect(try JSONDecoder().decode(MetricRun.self, from: data) == run)
    }
}

/// Argo's rules for classifying one measurement by its conditions, over Gaara expressions.
struct MeasurementClassifierTests {
    static let fields: [String: ExpressionValue] = [
        "result": .object([("canary", .object([("error_rate", .number(0.02)), ("p95", .number(120))]))]), "status": .number(200),
    ]

    static func phase(success: String? = nil, failure: String? = nil) -> MetricMeasurement.Phase {
        MeasurementClassifier.classify(fields, metric: AnalysisMetric(name: "m", successCondition: success, failureCondition: failure)).0
    }

    @Test func argosFourCases() {
        #expect(Self.phase() == .successful, "no condition")
        #expect(Self.phase(success: "result.canary.error_rate < 0.05") == .successful)
        #expect(Self.phase(success: "result.canary.error_rate < 0.01") == .failed, "only a success condition: false fails")
        #expect(Self.phase(failure: "result.canary.p95 > 500") == .successful, "only a failure condition: false passes")
        #expect(Self.phase(failure: "result.canary.p95 > 100") == .failed)
        #expect(Self.phase(success: "result.canary.p95 < 100", failure: "result.canary.p95 > 500") == .inconclusive, "between the two")
        #expect(Self.phase(success: "result.canary.p95 < 200", failure: "status == 200") == .failed, "the failure condition wins")
    }

    @Test func conditionsMayBeWrittenAsTemplates() {
        #expect(Self.phase(success: "${{ result.canary.error_rate < 0.05 }}") == .successful)
        #expect(MeasurementClassifier.expression(" ${{ a == 1 }} ") == "a == 1")
    }

    @Test func aConditionThatCannotBeEvaluatedIsAnError() throws {
        let (phase, message) = MeasurementClassifier.classify(
            Self.fields, metric: AnalysisMetric(name: "m", successCondition: "nosuchfunction(result)"))
        #expect(phase == .error)
        #expect(message.hasPrefix("a condition could not be evaluated"), "\(message)")
        #expect(throws: MeasurementClassifier.ConditionError.self) { try MeasurementClassifier.check("result.canary. < 1") }
    }

    @Test func theMeasurementKeepsItsValueAndWhy() {
        let measurement = MeasurementClassifier.measurement(
            ["result": .array(ExpressionArray([.number(0.07)]))], metric: AnalysisMetric(name: "m", failureCondition: "result[0] > 0.05"),
            finished: MetricRunTests.t0)
        #expect(measurement.phase == .failed)
        #expect(measurement.value == "[0.07]")
        #expect(measurement.message == "failure condition 'result[0] > 0.05' is true (result [0.07])")
    }
}
