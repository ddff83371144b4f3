import Foundation

/// One measurement of an ``AnalysisMetric``.
public struct MetricMeasurement: Sendable, Equatable, Codable {
    /// How a measurement came out (Argo's phases).
    public enum Phase: String, Sendable, Equatable, Codable {
        /// The success condition held (or the failure condition did not).
        case successful
        /// The failure condition held (or the success condition did not).
        case failed
        /// Neither condition held, or there was no data (no traffic, an empty query result).
        case inconclusive
        /// The value could not be taken (the provider failed, a condition could not be evaluated).
        case error
    }

    /// How it came out.
    public var phase: Phase
    /// The value measured, as JSON (`""` when none was taken).
    public var value: String
    /// Why, in words (an error's text, the reason for Inconclusive, a command's last lines).
    public var message: String
    /// When it was finished.
    public var finished: Date

    /// Creates a measurement.
    public init(phase: Phase, value: String = "", message: String = "", finished: Date) {
        self.phase = phase
        self.value = value
        self.message = message
        self.finished = finished
    }
}

/// The metrics of one analysis step (or a bake) as a pure state machine: which measurements are
/// due, and what the measurements taken decide, per metric and for the whole, with Argo Rollouts'
/// rules. The runner takes the measurements; nothing here does I/O or reads the clock.
public struct MetricRun: Sendable, Equatable, Codable {
    /// What a metric, or the whole run, has come to.
    public enum Phase: String, Sendable, Equatable, Codable {
        /// Still measuring.
        case running
        /// Every measurement it needed was taken and none tripped a limit.
        case successful
        /// More failed measurements than its failure limit (or a streak at its consecutive limit).
        case failed
        /// More errors in a row than its consecutive error limit.
        case error
        /// More inconclusive measurements than its limit: a person decides.
        case inconclusive
    }

    /// One metric's measurements and counts.
    public struct MetricState: Sendable, Equatable, Codable {
        /// The metric.
        public let metric: AnalysisMetric
        /// Its measurements, oldest first.
        public internal(set) var measurements: [MetricMeasurement] = []
        /// Whether a measurement is being taken.
        public internal(set) var inFlight = false
        /// When the next measurement is due.
        public internal(set) var nextDue: Date
        /// What it has come to.
        public internal(set) var phase = Phase.running
        /// Why it came to it, with its figures (empty while running).
        public internal(set) var reason = ""

        /// Applies `mask` to the texts kept (the reason, each measurement's value and message).
        public mutating func redact(_ mask: (String) -> String) {
            reason = mask(reason)
            for index in measurements.indices {
                measurements[index].value = mask(measurements[index].value)
                measurements[index].message = mask(measurements[index].message)
            }
        }

        func count(_ phase: MetricMeasurement.Phase) -> Int { measurements.count { $0.phase == phase } }

        /// The measurements that count toward `count` (errors are retried, not counted).
        var taken: Int { measurements.count { $0.phase != .error } }

        func streak(_ phase: MetricMeasurement.Phase) -> Int {
            measurements.reversed().prefix { $0.phase == phase }.count
        }
    }

    /// When the run began (the step's start).
    public let started: Date
    /// The metrics, in the order they were given.
    public private(set) var metrics: [MetricState]

    /// Seconds before an errored measurement of a metric without an interval is retried.
    public static let errorRetry = 5.0

    /// A run of `metrics` beginning at `started`.
    public init(metrics: [AnalysisMetric], started: Date) {
        self.started = started
        self.metrics = metrics.map { metric in
            let first = metric.initialDelay + (metric.measuresWindow ? metric.interval ?? 0 : 0)
            return MetricState(metric: metric, nextDue: started.addingTimeInterval(first))
        }
    }

    /// The names of the metrics whose next measurement is due at `now` (none is being taken, the
    /// metric is still running).
    public func due(at now: Date) -> [String] {
        metrics.filter { $0.phase == .running && !$0.inFlight && $0.nextDue <= now }.map(\.metric.name)
    }

    /// The earliest time a measurement becomes due (nil: none will).
    public var nextDue: Date? {
        metrics.filter { $0.phase == .running && !$0.inFlight }.map(\.nextDue).min()
    }

    /// Marks `name`'s measurement as being taken.
    public mutating func begin(_ name: String) {
        guard let index = index(name) else { return }
        metrics[index].inFlight = true
    }

    /// Records a measurement of `name` and decides the metric by its limits.
    public mutating func record(_ name: String, _ measurement: MetricMeasurement) {
        guard let index = index(name), metrics[index].phase == .running else { return }
        var state = metrics[index]
        state.inFlight = false
        state.measurements.append(measurement)
        let metric = state.metric
        let wait = metric.interval ?? (measurement.phase == .error ? Self.errorRetry : 0)
        state.nextDue = measurement.finished.addingTimeInterval(wait)
        let failed = state.count(.failed)
        let inconclusive = state.count(.inconclusive)
        if metric.failureLimit >= 0, failed > metric.failureLimit {
            state.phase = .failed
            state.reason = "\(failed) of \(state.measurements.count) measurements failed (failure limit \(metric.failureLimit))"
        } else if let limit = metric.consecutiveFailureLimit, state.streak(.failed) >= limit {
            state.phase = .failed
            state.reason = "\(limit) measurements in a row failed (consecutive failure limit \(limit))"
        } else if inconclusive > metric.inconclusiveLimit {
            state.phase = .inconclusive
            state.reason = "\(inconclusive) inconclusive measurements (inconclusive limit \(metric.inconclusiveLimit))"
        } else if state.streak(.error) > metric.consecutiveErrorLimit {
            state.phase = .error
            state.reason = "\(state.streak(.error)) errors in a row (consecutive error limit \(metric.consecutiveErrorLimit))"
        } else if let count = metric.effectiveCount, state.taken >= count {
            state.phase = .successful
            state.reason =
                "\(state.count(.successful)) of \(state.taken) measurements successful"
                + (failed + inconclusive > 0 ? " (\(failed) failed, \(inconclusive) inconclusive within the limits)" : "")
        }
        if state.phase != .running, !measurement.message.isEmpty, state.phase != .successful {
            state.reason += "; last: \(measurement.message)"
        }
        metrics[index] = state
    }

    /// The step's time is up: a metric that still needs measurements is Inconclusive (never a
    /// silent pass); one measured until the step ends is Successful if it measured at all.
    public mutating func conclude() {
        for index in metrics.indices where metrics[index].phase == .running {
            let state = metrics[index]
            if let count = state.metric.effectiveCount {
                metrics[index].phase = .inconclusive
                metrics[index].reason = "took \(state.taken) of its \(count) measurements before the step ended"
            } else if state.taken == 0 {
                metrics[index].phase = .inconclusive
                metrics[index].reason = "took no measurement before the step ended"
            } else {
                metrics[index].phase = .successful
                metrics[index].reason = "\(state.count(.successful)) of \(state.taken) measurements successful"
            }
            metrics[index].inFlight = false
        }
    }

    /// What the metrics that decide (not dry runs) come to: Failed, then Error, then Inconclusive
    /// win; Successful when every metric with a count completed (those measured until the step
    /// ends do not hold it up); Running otherwise.
    public var phase: Phase {
        let deciding = metrics.filter { !$0.metric.dryRun }
        for phase in [Phase.failed, .error, .inconclusive] where deciding.contains(where: { $0.phase == phase }) { return phase }
        let pending = deciding.contains { $0.phase == .running && $0.metric.effectiveCount != nil }
        return pending ? .running : .successful
    }

    /// Each decided metric in words: `metric 'p95' (router) failed: 2 of 3 measurements failed (failure
    /// limit 1); last: …`; dry runs are marked.
    public var findings: [String] {
        metrics.filter { $0.phase != .running }.map { state in
            "metric '\(state.metric.name)' (\(state.metric.providerName))\(state.metric.dryRun ? " [dry run]" : "") \(state.phase.rawValue): \(state.reason)"
        }
    }

    /// The finding of the metrics that decided the run's phase (for a failure or a pause).
    public var deciding: [String] {
        let phase = self.phase
        return metrics.filter { !$0.metric.dryRun && $0.phase == phase }.map { state in
            "metric '\(state.metric.name)' (\(state.metric.providerName)) \(state.phase.rawValue): \(state.reason)"
        }
    }

    /// The state of the metric named `name`.
    public func state(_ name: String) -> MetricState? { index(name).map { metrics[$0] } }

    private func index(_ name: String) -> Int? { metrics.firstIndex { $0.metric.name == name } }
}
