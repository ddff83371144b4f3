import Foundation

/// What a rollout's decisions were made on: every promote, hold, abort and rollback with who or
/// what decided (the judge, the metrics, a health check, an operator) and its data — the judge's
/// statistics with their sample sizes, the metrics' measurements, the operator's input. Stored per
/// release and signed (`gaara rollout evidence ENV RELEASE` prints and verifies it), so an audit
/// can tell why a version reached production, or did not.
public struct DecisionEvidence: Sendable, Equatable, Codable {
    /// One test statistic the judge decided on.
    public struct Statistic: Sendable, Equatable, Codable {
        /// `error-rate`, `latency`, `error-rate-limit`.
        public var metric: String
        /// The canary's value.
        public var canary: Double
        /// The baseline's value.
        public var baseline: Double
        /// The always-valid p-value.
        public var pValue: Double
        /// Canary requests in the sample.
        public var canaryRequests: Double
        /// Baseline requests in the sample.
        public var baselineRequests: Double

        /// Creates a statistic.
        public init(metric: String, canary: Double, baseline: Double, pValue: Double, canaryRequests: Double, baselineRequests: Double) {
            self.metric = metric
            self.canary = canary
            self.baseline = baseline
            self.pValue = pValue
            self.canaryRequests = canaryRequests
            self.baselineRequests = baselineRequests
        }
    }

    /// One decision.
    public struct Decision: Sendable, Equatable, Codable {
        /// When it was made.
        public var time: Date
        /// The step it ended or the input it came with (`analysis for up to 5m`, `operator input`).
        public var step: String
        /// `passed`, `failed`, `held`, `promoted`, `aborted`, `paused`, `resumed`, `requested`.
        public var outcome: String
        /// Who or what decided: `judge`, `metrics`, `health checks`, `smoke tests`, `operator`, ...
        public var by: String
        /// The decision in words, with its figures.
        public var detail: String
        /// The judge's statistics (empty when the judge did not decide).
        public var statistics: [Statistic]
        /// The metrics' state with every measurement (empty without metrics).
        public var metrics: [MetricRun.MetricState]

        /// Creates a decision.
        public init(
            time: Date, step: String, outcome: String, by: String, detail: String, statistics: [Statistic] = [],
            metrics: [MetricRun.MetricState] = []
        ) {
            self.time = time
            self.step = step
            self.outcome = outcome
            self.by = by
            self.detail = detail
            self.statistics = statistics
            self.metrics = metrics
        }
    }

    /// The environment.
    public var environment: String
    /// The service.
    public var service: String
    /// The release rolled out (`web-7`).
    public var release: String
    /// Its artifact (digest or directory hash).
    public var artifact: String
    /// The release it replaced or was compared with.
    public var stableRelease: String?
    /// How the rollout ended: `succeeded`, or `aborted: REASON`.
    public var outcome: String
    /// The decisions, in order.
    public var decisions: [Decision]

    /// Creates evidence.
    public init(
        environment: String, service: String, release: String, artifact: String, stableRelease: String?, outcome: String, decisions: [Decision]
    ) {
        self.environment = environment
        self.service = service
        self.release = release
        self.artifact = artifact
        self.stableRelease = stableRelease
        self.outcome = outcome
        self.decisions = decisions
    }

    /// The bytes that are signed: sorted keys, ISO 8601 times, so the same evidence always signs
    /// the same.
    public func canonicalJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Decodes evidence from its canonical JSON.
    public static func decode(canonical data: Data) throws -> DecisionEvidence {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(DecisionEvidence.self, from: data)
    }

    /// For people: the release, the outcome, and each decision with its figures and measurements.
    public var text: String {
        let formatter = ISO8601DateFormatter()
        var lines = [
            "\(release) (\(service) in \(environment), \(artifact))" + (stableRelease.map { " against \($0)" } ?? ""), "outcome: \(outcome)",
        ]
        for decision in decisions {
            lines.append("\(formatter.string(from: decision.time))  \(decision.step): \(decision.outcome) by \(decision.by)")
            if !decision.detail.isEmpty { lines.append("    \(decision.detail)") }
            for statistic in decision.statistics {
                lines.append(
                    "    \(statistic.metric): canary \(Self.figure(statistic.canary)), baseline \(Self.figure(statistic.baseline)), p ≤ \(String(format: "%.4f", statistic.pValue)), n = \(Int(statistic.canaryRequests)) / \(Int(statistic.baselineRequests))"
                )
            }
            for state in decision.metrics {
                let phases = state.measurements.map(\.phase.rawValue).joined(separator: ", ")
                lines.append("    metric '\(state.metric.name)': \(state.phase.rawValue) (\(phases.isEmpty ? "no measurement" : phases))")
                if let last = state.measurements.last, !last.value.isEmpty { lines.append("      last value: \(last.value)") }
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func figure(_ value: Double) -> String {
        value < 1 ? String(format: "%.4f", value) : String(format: "%.1f", value)
    }
}
