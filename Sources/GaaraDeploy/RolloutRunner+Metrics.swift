import Foundation
import GaaraDeployCore

/// The analysis's metrics during a step or a bake: ``MetricRun`` decides, the runner measures.
extension RolloutRunner {
    /// One step's metrics: the pure run and where each router metric's next window begins.
    struct StepMetrics {
        var run: MetricRun
        /// Tags this step's measurements (one finishing after the step ended belongs to no step).
        let generation: Int
        /// Each router metric's counts at the start of its current window.
        var windows: [String: (counts: [String: TrafficCounts], at: Date)] = [:]
    }

    /// One reading of the router's counts: the counts, or why there are none.
    struct CountsReading {
        var counts: [String: TrafficCounts]?
        var problem: String?
    }

    /// The router's counts now.
    func readCounts() async -> CountsReading {
        do {
            return CountsReading(counts: try await traffic.counts(service: service))
        } catch {
            return CountsReading(problem: "\(error)")
        }
    }

    /// A new run of the analysis's metrics, beginning `now`.
    func beginMetrics(at now: Date) -> StepMetrics {
        metricGeneration += 1
        deliveredMeasurements.removeAll()
        return StepMetrics(run: MetricRun(metrics: analysis.metrics, started: now), generation: metricGeneration)
    }

    /// Records the measurements that finished, takes the router metrics' due windows from `reading`
    /// and starts the other due measurements in tasks of their own.
    func advance(_ step: inout StepMetrics, _ reading: CountsReading, now: Date) {
        for delivery in deliveredMeasurements where delivery.generation == step.generation {
            step.run.record(delivery.name, delivery.measurement)
        }
        deliveredMeasurements.removeAll()
        for state in step.run.metrics where state.metric.provider == .router && step.windows[state.metric.name] == nil {
            // A window begins after the metric's initial delay.
            if let counts = reading.counts, now >= step.run.started.addingTimeInterval(state.metric.initialDelay) {
                step.windows[state.metric.name] = (counts, now)
            }
        }
        for name in step.run.due(at: now) {
            guard let metric = step.run.state(name)?.metric else { continue }
            guard metric.provider == .router else {
                step.run.begin(name)
                launch(metric, generation: step.generation)
                continue
            }
            guard let counts = reading.counts else {
                step.run.record(
                    name, MetricMeasurement(phase: .error, message: "the router's counts: \(reading.problem ?? "unreadable")", finished: now))
                continue
            }
            guard let window = step.windows[name] else { continue }
            step.windows[name] = (counts, now)
            do {
                let fields = try RouterMeasurement.fields(
                    counts, since: window.counts, seconds: now.timeIntervalSince(window.at), canary: candidate.release, baseline: stable?.release)
                step.run.record(name, MeasurementClassifier.measurement(fields, metric: metric, finished: now))
            } catch {
                step.run.record(name, Self.measurement(of: error, finished: now))
            }
        }
    }

    /// How the metrics end the step, if they do: a failed or errored metric fails it, an
    /// inconclusive one holds it for a person.
    func metricsEnd(_ run: MetricRun) -> AnalysisEnd? {
        switch run.phase {
        case .failed, .error: .failed((run.deciding + run.findings.filter { $0.contains("[dry run]") }).joined(separator: "; "))
        case .inconclusive: .held(run.deciding.joined(separator: "; "))
        case .running, .successful: nil
        }
    }

    /// Takes one measurement in a task of its own: a slow command or query holds neither the judge
    /// nor a rollback (the step does not wait for it when it ends; its result is then dropped).
    private func launch(_ metric: AnalysisMetric, generation: Int) {
        let measurer = self.measurer
        let scope = MeasurementScope(
            service: service, release: candidate.release, stableRelease: stable?.release,
            releaseURL: hostOrder.lazy.compactMap { self.candidateEndpoints[$0] }.first.map { "http://\($0)" },
            stableURL: hostOrder.lazy.compactMap { self.stableEndpoints[$0] }.first.map { "http://\($0)" }, repository: repository)
        Task {
            let measurement: MetricMeasurement
            do throws(MeasurementProblem) {
                let fields = try await measurer.measure(metric, scope: scope)
                measurement = MeasurementClassifier.measurement(fields, metric: metric, finished: Date())
            } catch {
                measurement = Self.measurement(of: error, finished: Date())
            }
            self.deliver(generation, metric.name, measurement)
        }
    }

    private func deliver(_ generation: Int, _ name: String, _ measurement: MetricMeasurement) {
        guard generation == metricGeneration else { return }
        deliveredMeasurements.append((generation, name, measurement))
    }

    /// A measurement that has no value: no data is Inconclusive, anything else an Error.
    static func measurement(of problem: MeasurementProblem, finished: Date) -> MetricMeasurement {
        switch problem {
        case .noData(let why): MetricMeasurement(phase: .inconclusive, message: why, finished: finished)
        case .failed(let why): MetricMeasurement(phase: .error, message: why, finished: finished)
        }
    }
}
