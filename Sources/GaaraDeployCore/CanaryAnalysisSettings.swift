/// How an environment's canary is analysed (`.gaara/deploy.yml`'s `strategy.canary.analysis`): its
/// pauses become analysis steps in which the canary judge compares the new release with the old one
/// on the router's counts of both over the same time.
public struct CanaryAnalysisSettings: Sendable, Equatable, Codable {
    /// What a canary found worse leads to.
    public enum OnFail: String, Sendable, Equatable, Codable {
        /// Traffic back to the old release at once, the new one stopped (the default).
        case rollback
        /// Hold the rollout for a person's decision (`gaara rollout promote|abort`): after a
        /// migration, going back may be worse than staying.
        case pause
    }

    /// The guide's absolute limit on the canary's error rate (5%), whatever the old release does.
    public var errorRateLimit = 0.05
    /// Canary requests needed before anything is decided; a step ending with fewer is inconclusive.
    public var minimumRequests = 50
    /// What a failed analysis does.
    public var onFail = OnFail.rollback
    /// Seconds at the start of each analysis step whose requests are not judged (Argo's
    /// `initialDelay`): a fresh process warms up, the router opens its connections. At most a
    /// quarter of the step.
    public var initialDelay = 5.0
    /// Whether the judge compares canary and baseline (`judge: false` leaves only the metrics).
    public var judge = true
    /// The judge's critical metrics (`error-rate`, `latency`: found worse, one rolls back at once);
    /// the others are scored (Kayenta's scorecard). All by default.
    public var critical: Set<String> = ["error-rate", "latency"]
    /// Each judged metric's weight in the score (1 when not named).
    public var weights: [String: Double] = [:]
    /// The score (0–100) at or above which a canary with a worse non-critical metric still passes.
    public var passScore = 95.0
    /// The score below which it fails; in between a person decides.
    public var marginalScore = 75.0
    /// Milliseconds a canary request may take beyond the old release's before its latency counts
    /// as worse (`latency-allowance`) …
    public var latencyAllowanceMs = 10.0
    /// … or this share of the old release's latency (`latency-allowance-ratio`), whichever is larger.
    public var latencyAllowanceRatio = 0.2
    /// The metrics measured in every analysis step and through the bake (Argo's analysis), next to
    /// the judge: a step passes when the judge and every metric with a count are done and passed.
    public var metrics: [AnalysisMetric] = []
    /// Requests the rollout sends through the router itself during its analyses and bake, so that a
    /// canary with little real traffic can still be judged (nil: only real traffic).
    public var traffic: SyntheticTraffic?

    /// Generated requests: `GET path` through the router at `rate` per second, split between the
    /// releases by the router's weights like any client without a sticky key.
    public struct SyntheticTraffic: Sendable, Equatable, Codable {
        /// The path asked (`/`).
        public var path: String
        /// Requests per second.
        public var rate: Double

        /// Creates settings.
        public init(path: String = "/", rate: Double = 20) {
            self.path = path
            self.rate = rate
        }
    }

    /// The defaults.
    public init() {}
}
