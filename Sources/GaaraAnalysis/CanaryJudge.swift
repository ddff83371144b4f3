import Foundation

/// How the judge decides (the `analysis:` of an environment; defaults for a canary step).
public struct JudgeSettings: Sendable, Equatable, Codable {
    /// The bound on wrong decisions per rollout: a healthy canary is rolled back, or a worse one
    /// promoted, with probability at most this (shared equally by the tests it runs).
    public var alpha = 0.01
    /// Canary requests before anything is decided; fewer at the deadline is Inconclusive.
    public var minimumRequests = 50.0
    /// The guide's absolute trigger: a canary error rate above this fails whatever the baseline does.
    public var errorRateLimit = 0.05
    /// A canary whose error rate exceeds the baseline's by less than this is "no worse" (promotable).
    public var errorMargin = 0.01
    /// A canary slower than the baseline with a probability under 0.5 + this is "no worse".
    public var latencyMargin = 0.15
    /// Differences the "worse" tests ignore: with thousands of requests a rank test finds even a
    /// canary slower with probability 0.51 significant (two processes on one machine differ that
    /// much), and such a canary is not broken. Worse means worse than the baseline by more than
    /// this: for the error rate (an absolute share; 0, since errors come from the application,
    /// not from where it runs, and a tolerance costs the detection of small increases) …
    public var errorTolerance = 0.0
    /// … and for P(slower) − 0.5: a canary of few requests reuses fewer of the router's connections
    /// than its stable version, and a fresh process answers a little slower than a warm one (measured
    /// through Gaara's router: P(slower) = 0.56 for two copies of one server).
    public var latencyTolerance = 0.1
    /// The mixing standard deviations of the sequential tests (the size of effect they are tuned to).
    public var errorTau = 0.04
    /// See ``errorTau``; for P(slower) − 0.5.
    public var latencyTau = 0.1
    /// How much slower than the baseline a canary request may be and still count as alike: the
    /// rank tests compare the canary with the baseline made slower by this (when the sample has
    /// its bucket bounds). 10 ms or 20%, whichever is larger.
    public var latencyAllowance = LatencyAllowance()
    /// Promote as soon as the evidence says the canary is no worse (else only at the step's end).
    public var promoteEarly = true
    /// Kayenta's critical metrics (`error-rate`, `latency`): found worse, one rolls back at once
    /// whatever the score. Every metric is critical by default; a metric left out is classified
    /// High instead and lowers the score. The guide's error-rate limit is always critical.
    public var critical: Set<String> = ["error-rate", "latency"]
    /// Each metric's weight in the score (1 when not named).
    public var weights: [String: Double] = [:]
    /// Kayenta's pass threshold: with every metric classified, a score (0–100, the weighted share of
    /// metrics that pass) at or above this passes the canary …
    public var passScore = 95.0
    /// … one below this fails it; in between it is marginal, and a person decides.
    public var marginalScore = 75.0

    /// The defaults.
    public init() {}
}

/// What the judge is shown: both versions' requests over the same window (since the step began).
public struct JudgeSample: Sendable, Equatable {
    /// The canary's errors (5xx and upstream errors) out of its requests.
    public var canary: Proportion
    /// The stable version's.
    public var baseline: Proportion
    /// Latency buckets of the canary, if measured.
    public var canaryLatency: BucketCounts?
    /// Latency buckets of the stable version, on the same bounds.
    public var baselineLatency: BucketCounts?
    /// The buckets' upper bounds in milliseconds (one fewer than the counts: the last bucket is
    /// "slower than all"); without them the latency allowance cannot apply.
    public var latencyBoundsMs: [Double]?

    /// Creates a sample.
    public init(
        canary: Proportion, baseline: Proportion, canaryLatency: BucketCounts? = nil, baselineLatency: BucketCounts? = nil,
        latencyBoundsMs: [Double]? = nil
    ) {
        self.canary = canary
        self.baseline = baseline
        self.canaryLatency = canaryLatency
        self.baselineLatency = baselineLatency
        self.latencyBoundsMs = latencyBoundsMs
    }
}

/// What a decision was made on: the metric, both versions' values, the statistic and its always-valid
/// p-value, the sample sizes. Incident reports and evidence records carry it.
public struct JudgeFinding: Sendable, Equatable, Codable {
    /// `error-rate`, `error-rate-limit`, `latency`, or `score` (Kayenta's, over the others).
    public var metric: String
    /// The canary's value (an error rate, or P(canary slower)).
    public var canary: Double
    /// The baseline's value (its error rate, or 0.5 for latency: "alike").
    public var baseline: Double
    /// The mSPRT likelihood ratio at the decision (largest so far).
    public var likelihoodRatio: Double
    /// 1 / that: an always-valid p-value.
    public var pValue: Double
    /// Canary requests.
    public var canaryRequests: Double
    /// Baseline requests.
    public var baselineRequests: Double
    /// In words.
    public var summary: String
    /// Kayenta's class of the metric: `high` (worse), `pass`, or `low` (significantly better —
    /// a pass, since for error rates and latency only higher is worse); nil for the score.
    public var classification: String? = nil
}

/// The judge's answer for a sample.
public enum JudgeVerdict: Sendable, Equatable {
    /// Not enough evidence either way yet (why).
    case undecided(String)
    /// The canary is no worse: promote (the findings it rests on).
    case pass([JudgeFinding])
    /// The canary is worse: roll back (what tripped).
    case fail(JudgeFinding)
    /// The step ended without enough traffic to judge: ask a person (why).
    case inconclusive(String)
}

/// The canary judge: a pure state machine fed cumulative samples of both versions over the same
/// window, several times a second if need be. Each metric is an always-valid sequential test
/// (``MixtureSPRT``), so looking often costs no false rollbacks: a broken canary is stopped as
/// soon as the evidence is enough, and a healthy one is promoted when the evidence says it is no
/// worse, instead of after a fixed wait.
///
/// Tests (those that can roll back share α, and so do those that can promote, so that each kind of
/// wrong decision stays ≤ α per rollout):
/// - error rate, canary vs baseline, two proportions: worse → fail; no worse than `errorMargin` → passes;
/// - error rate against the guide's absolute limit (5%): above it → fail;
/// - latency, Mann–Whitney on shared buckets: slower → fail; no slower than `latencyMargin` → passes.
public struct CanaryJudge: Sendable, Equatable {
    /// The settings.
    public let settings: JudgeSettings
    /// The largest likelihood ratios seen so far (the always-valid p-value is 1 / these).
    private(set) var largest: [String: Double] = [:]
    /// Non-critical metrics found worse (Kayenta's High), with the finding: they stay High.
    private(set) var high: [String: JudgeFinding] = [:]
    /// The latest P(canary slower), when latency is measured.
    private(set) var lastSlower: Double?

    /// The evidence for Kayenta's Low (an always-valid p ≤ 0.05, Kayenta's usual confidence): a
    /// Low is a pass and decides nothing, so it needs no share of the rollout's α.
    static let lowThreshold = 20.0

    /// A judge with `settings`.
    public init(settings: JudgeSettings = JudgeSettings()) {
        self.settings = settings
    }

    /// Weighs a new cumulative sample.
    public mutating func judge(_ sample: JudgeSample) -> JudgeVerdict {
        guard sample.canary.trials >= settings.minimumRequests else {
            return .undecided("\(Int(sample.canary.trials)) of \(Int(settings.minimumRequests)) canary requests so far")
        }
        let latency = latencyEvidence(sample)
        // α is shared by the tests that can roll back (a healthy canary rolled back) and, apart,
        // by those that can promote (a worse canary promoted).
        let threshold = Double(latency == nil ? 2 : 3) / settings.alpha
        let promoteThreshold = Double(latency == nil ? 1 : 2) / settings.alpha
        let errors = ProportionEvidence(
            canary: sample.canary, baseline: sample.baseline, tau2: square(settings.errorTau), margin: settings.errorMargin,
            tolerance: settings.errorTolerance)
        // One sample against the limit: θ̂ = p̂ − limit.
        let rate = (sample.canary.events + 1) / (sample.canary.trials + 2)
        let overLimit =
            rate > settings.errorRateLimit
            ? MixtureSPRT.likelihoodRatio(
                estimate: rate - settings.errorRateLimit, variance: rate * (1 - rate) / (sample.canary.trials + 2), tau2: square(settings.errorTau))
            : 1
        let worseErrors = record("error-rate.worse", errors.worse)
        let limit = record("error-rate-limit", overLimit)
        let noWorseErrors = record("error-rate.no-worse", errors.noWorse)
        // Kayenta's Low: the canary significantly better (the same test with the roles swapped).
        let lowerErrors = record(
            "error-rate.lower",
            ProportionEvidence(
                canary: sample.baseline, baseline: sample.canary, tau2: square(settings.errorTau), margin: settings.errorMargin,
                tolerance: settings.errorTolerance
            ).worse)
        if limit >= threshold {
            return .fail(
                finding(
                    "error-rate-limit", sample, canary: sample.canary.rate, baseline: sample.baseline.rate, ratio: limit,
                    "canary error rate \(percent(sample.canary.rate)) is above the limit of \(percent(settings.errorRateLimit))",
                    classification: "high"))
        }
        if worseErrors >= threshold, high["error-rate"] == nil {
            let worse = finding(
                "error-rate", sample, canary: sample.canary.rate, baseline: sample.baseline.rate, ratio: worseErrors,
                "canary error rate \(percent(sample.canary.rate)) is higher than the stable version's \(percent(sample.baseline.rate))",
                classification: "high")
            if settings.critical.contains("error-rate") { return .fail(worse) }
            high["error-rate"] = worse
        }
        var passes: [JudgeFinding] = []
        var undecided = false
        if high["error-rate"] == nil {
            passes.append(
                lowerErrors >= Self.lowThreshold
                    ? finding(
                        "error-rate", sample, canary: sample.canary.rate, baseline: sample.baseline.rate, ratio: lowerErrors,
                        "canary error rate \(percent(sample.canary.rate)) is lower than the stable version's \(percent(sample.baseline.rate)) (Low: a pass)",
                        classification: "low")
                    : finding(
                        "error-rate", sample, canary: sample.canary.rate, baseline: sample.baseline.rate, ratio: noWorseErrors,
                        "canary error rate \(percent(sample.canary.rate)) is within \(percent(settings.errorMargin)) of the stable version's \(percent(sample.baseline.rate))"
                    ))
            undecided = noWorseErrors < promoteThreshold
        }
        if let latency {
            lastSlower = latency.slower
            let worseLatency = record("latency.worse", latency.worse)
            let noWorseLatency = record("latency.no-worse", latency.noWorse)
            if worseLatency >= threshold, high["latency"] == nil {
                let worse = finding(
                    "latency", sample, canary: latency.slower, baseline: 0.5, ratio: worseLatency,
                    "canary requests are slower than the stable version's\(allowed(sample)) (P(slower) = \(String(format: "%.3f", latency.slower)))",
                    classification: "high")
                if settings.critical.contains("latency") { return .fail(worse) }
                high["latency"] = worse
            }
            let faster = record("latency.lower", latencyEvidence(sample, reversed: true)?.worse ?? 1)
            if high["latency"] == nil, faster >= Self.lowThreshold {
                passes.append(
                    finding(
                        "latency", sample, canary: latency.slower, baseline: 0.5, ratio: faster,
                        "canary requests are faster than the stable version's\(allowed(sample)) (Low: a pass)", classification: "low"))
            } else if high["latency"] == nil {
                passes.append(
                    finding(
                        "latency", sample, canary: latency.slower, baseline: 0.5, ratio: noWorseLatency,
                        "canary requests are not slower than the stable version's\(allowed(sample)) (P(slower) = \(String(format: "%.3f", latency.slower)))"
                    ))
                undecided = undecided || noWorseLatency < promoteThreshold
            }
        }
        if !undecided, settings.promoteEarly { return scored(passes, sample) }
        return .undecided("no decision yet at \(Int(sample.canary.trials)) canary requests")
    }

    /// Kayenta's scorecard once every metric is classified: Pass (`passes`) or High (``high``).
    /// Without a High metric the canary passes; else the weighted share of passing metrics decides
    /// against the pass and marginal thresholds, a marginal score asking a person.
    func scored(_ passes: [JudgeFinding], _ sample: JudgeSample) -> JudgeVerdict {
        guard !high.isEmpty else { return .pass(passes) }
        func weight(_ metric: String) -> Double { settings.weights[metric] ?? 1 }
        let total = (passes.map(\.metric) + high.keys).map(weight).reduce(0, +)
        let score = total > 0 ? 100 * passes.map(\.metric).map(weight).reduce(0, +) / total : 0
        let classes = (passes.map { "\($0.metric) pass" } + high.keys.sorted().map { "\($0) high" }).joined(separator: ", ")
        let worst = high.values.min { $0.pValue < $1.pValue }!
        let card = JudgeFinding(
            metric: "score", canary: score, baseline: 100, likelihoodRatio: worst.likelihoodRatio, pValue: worst.pValue,
            canaryRequests: sample.canary.trials, baselineRequests: sample.baseline.trials,
            summary:
                "score \(Int(score.rounded())) of 100 (\(classes); pass at \(Int(settings.passScore)), marginal at \(Int(settings.marginalScore)))")
        if score >= settings.passScore { return .pass(passes + high.keys.sorted().map { high[$0]! } + [card]) }
        if score < settings.marginalScore {
            var failed = card
            failed.summary =
                "the canary's \(failed.summary) is below the marginal threshold: "
                + high.keys.sorted().map { high[$0]!.summary }.joined(separator: "; ")
            return .fail(failed)
        }
        return .inconclusive("marginal \(card.summary): " + high.keys.sorted().map { high[$0]!.summary }.joined(separator: "; "))
    }

    /// The step's time is up without a decision: with too little traffic that is Inconclusive (a
    /// person decides); otherwise nothing showed the canary worse, and it passes.
    public mutating func deadline(_ sample: JudgeSample) -> JudgeVerdict {
        switch judge(sample) {
        case .fail(let finding): return .fail(finding)
        case .pass(let findings): return .pass(findings)
        case .inconclusive(let why): return .inconclusive(why)
        case .undecided:
            guard sample.canary.trials >= settings.minimumRequests else {
                return .inconclusive(
                    "the canary got \(Int(sample.canary.trials)) requests, fewer than the \(Int(settings.minimumRequests)) needed to judge it")
            }
            // What is not High passes: nothing showed it worse over the whole step.
            var passes: [JudgeFinding] = []
            if high["error-rate"] == nil {
                passes.append(
                    finding(
                        "error-rate", sample, canary: sample.canary.rate, baseline: sample.baseline.rate, ratio: largest["error-rate.no-worse"] ?? 1,
                        "no evidence that the canary is worse over the whole step"))
            }
            if let lastSlower, high["latency"] == nil {
                passes.append(
                    finding(
                        "latency", sample, canary: lastSlower, baseline: 0.5, ratio: largest["latency.no-worse"] ?? 1,
                        "no evidence that the canary is slower over the whole step"))
            }
            return scored(passes, sample)
        }
    }

    /// ` by more than 10 ms or 20%`, when the allowance applies.
    private func allowed(_ sample: JudgeSample) -> String {
        guard sample.latencyBoundsMs != nil else { return "" }
        let allowance = settings.latencyAllowance
        return " by more than \(String(format: "%g", allowance.milliseconds)) ms or \(String(format: "%g", allowance.ratio * 100))%"
    }

    /// The canary against the baseline made slower by the allowance; with `reversed`, the baseline
    /// against the canary made slower (its `worse` is the evidence that the canary is faster by more
    /// than the allowance: Kayenta's Low).
    private func latencyEvidence(_ sample: JudgeSample, reversed: Bool = false) -> LatencyEvidence? {
        guard let canary = sample.canaryLatency, let baseline = sample.baselineLatency, canary.total > 0, baseline.total > 0 else { return nil }
        let (first, second) = reversed ? (baseline, canary) : (canary, baseline)
        let allowed = sample.latencyBoundsMs.map { second.allowing(settings.latencyAllowance, bounds: $0) } ?? second
        return LatencyEvidence(
            canary: first, baseline: allowed, tau2: square(settings.latencyTau), margin: settings.latencyMargin,
            tolerance: settings.latencyTolerance)
    }

    /// Keeps the largest ratio of `test` and returns it.
    private mutating func record(_ test: String, _ ratio: Double) -> Double {
        let kept = max(largest[test] ?? 1, ratio)
        largest[test] = kept
        return kept
    }

    private func finding(
        _ metric: String, _ sample: JudgeSample, canary: Double, baseline: Double, ratio: Double, _ summary: String,
        classification: String = "pass"
    ) -> JudgeFinding {
        JudgeFinding(
            metric: metric, canary: canary, baseline: baseline, likelihoodRatio: ratio, pValue: min(1, 1 / max(ratio, 1)),
            canaryRequests: sample.canary.trials, baselineRequests: sample.baseline.trials, summary: summary, classification: classification)
    }

    private func square(_ value: Double) -> Double { value * value }

    private func percent(_ rate: Double) -> String { String(format: "%.2f%%", rate * 100) }
}
