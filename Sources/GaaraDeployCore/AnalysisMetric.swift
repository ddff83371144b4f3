/// One metric of a canary's analysis (`.gaara/deploy.yml`'s `strategy.canary.analysis.metrics`),
/// with Argo Rollouts' semantics: measured every `interval` after `initialDelay`, `count` times (or
/// until the step ends), each measurement classified by `successCondition`/`failureCondition` as
/// Successful, Failed, Inconclusive or Error, and the metric decided by its limits (see ``MetricRun``).
public struct AnalysisMetric: Sendable, Equatable, Codable {
    /// Where a measurement comes from.
    public enum Provider: Sendable, Equatable, Codable {
        /// The router's counts of both releases over the time since the metric's previous
        /// measurement: `result.canary` and `result.baseline`, each with `requests`, `errors`,
        /// `error_rate`, `rate` (requests per second), `p50`, `p95`, `p99` (milliseconds); and, since
        /// expressions have no arithmetic, `result.difference` (canary − baseline) and `result.ratio`
        /// (canary ÷ baseline) of the last five.
        case router
        /// An HTTP request; `result` is the answer's body (parsed when it is JSON), `status` its status.
        /// A status other than 2xx is an Error (Argo's `web` provider).
        case http(HTTPCheck)
        /// A shell command in the repository; `result` is its standard output (parsed when it is
        /// JSON), `exit_code` its exit status. A non-zero exit fails the measurement (Argo's `job`).
        case command(String, timeout: Double)
        /// A PromQL instant query; `result` is the vector's values in order (`result[0]`), or the scalar.
        /// An empty vector or NaN is Inconclusive: no data is never a pass.
        case prometheus(address: String, query: String, timeout: Double)
    }

    /// An HTTP check's request.
    public struct HTTPCheck: Sendable, Equatable, Codable {
        /// The URL; `$GAARA_RELEASE_URL` and `$GAARA_STABLE_URL` are the releases' own addresses.
        public var url: String
        /// `GET` by default.
        public var method: String
        /// Header fields.
        public var headers: [String: String]
        /// The request body.
        public var body: String?
        /// Seconds the exchange may take.
        public var timeout: Double

        /// Creates a check.
        public init(url: String, method: String = "GET", headers: [String: String] = [:], body: String? = nil, timeout: Double = 10) {
            self.url = url
            self.method = method
            self.headers = headers
            self.body = body
            self.timeout = timeout
        }
    }

    /// The name, unique in the analysis (findings and reports use it).
    public var name: String
    /// Where measurements come from.
    public var provider: Provider
    /// Seconds between the end of one measurement and the next; nil: one measurement.
    public var interval: Double?
    /// Measurements taken; nil with an interval: measured until the step ends.
    public var count: Int?
    /// Seconds after the step began before the first measurement (the first router window starts then).
    public var initialDelay: Double
    /// A condition over `result` that makes a measurement Successful.
    public var successCondition: String?
    /// A condition over `result` that makes a measurement Failed (checked first).
    public var failureCondition: String?
    /// Failed measurements tolerated; one more fails the metric (Argo's `failureLimit`; -1: no limit).
    public var failureLimit: Int
    /// Failed measurements in a row that fail the metric whatever `failureLimit` says (nil: none);
    /// what users ask Argo for: tolerate a scattered blip, not a streak.
    public var consecutiveFailureLimit: Int?
    /// Error measurements in a row tolerated (Argo's `consecutiveErrorLimit`, 4).
    public var consecutiveErrorLimit: Int
    /// Inconclusive measurements tolerated before the rollout pauses for a decision (Argo's 0).
    public var inconclusiveLimit: Int
    /// Recorded but deciding nothing (Argo's `dryRun`).
    public var dryRun: Bool

    /// Creates a metric with Argo's defaults.
    public init(
        name: String, provider: Provider = .router, interval: Double? = nil, count: Int? = nil, initialDelay: Double = 0,
        successCondition: String? = nil, failureCondition: String? = nil, failureLimit: Int = 0, consecutiveFailureLimit: Int? = nil,
        consecutiveErrorLimit: Int = 4, inconclusiveLimit: Int = 0, dryRun: Bool = false
    ) {
        self.name = name
        self.provider = provider
        self.interval = interval
        self.count = count
        self.initialDelay = initialDelay
        self.successCondition = successCondition
        self.failureCondition = failureCondition
        self.failureLimit = failureLimit
        self.consecutiveFailureLimit = consecutiveFailureLimit
        self.consecutiveErrorLimit = consecutiveErrorLimit
        self.inconclusiveLimit = inconclusiveLimit
        self.dryRun = dryRun
    }

    /// The measurements the metric takes before it is complete: `count`, one without an interval, or
    /// nil when it is measured until the step ends.
    public var effectiveCount: Int? {
        if let count { return count }
        return interval == nil ? 1 : nil
    }

    /// Whether a measurement covers the time since the previous one (the router's windows): its
    /// first is taken one interval after the initial delay, not at once on an empty window.
    public var measuresWindow: Bool { provider == .router }

    /// The provider's name in findings (`router`, `http`, `command`, `prometheus`).
    public var providerName: String {
        switch provider {
        case .router: "router"
        case .http: "http"
        case .command: "command"
        case .prometheus: "prometheus"
        }
    }
}
