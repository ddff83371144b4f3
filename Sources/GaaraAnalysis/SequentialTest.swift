import Foundation

/// The mixture sequential probability ratio test (mSPRT; Robbins 1970, Johari et al. 2017, "Always
/// valid inference") for a difference θ whose estimate is approximately normal: with a normal
/// mixing distribution N(θ₀, τ²) over the alternative, the likelihood ratio against H₀: θ = θ₀ is
///
///     Λ = sqrt(V / (V + τ²)) · exp((θ̂ − θ₀)² τ² / (2 V (V + τ²)))
///
/// where θ̂ is the estimate and V its variance. Λ is a martingale under H₀, so rejecting the
/// first time Λ ≥ 1/α keeps the false-rejection rate ≤ α however often it is looked at: the
/// judge can evaluate it every second instead of once per fixed interval.
public enum MixtureSPRT {
    /// Λ for `estimate` (θ̂ − θ₀) with `variance` V and mixing variance `tau2` (τ²); 1 when there is
    /// no information (V not positive).
    public static func likelihoodRatio(estimate: Double, variance: Double, tau2: Double) -> Double {
        guard variance > 0, variance.isFinite, tau2 > 0 else { return 1 }
        let exponent = estimate * estimate * tau2 / (2 * variance * (variance + tau2))
        // Capped: beyond e^700 the decision is the same and Double overflows.
        return (variance / (variance + tau2)).squareRoot() * exp(min(exponent, 700))
    }

    /// The two one-sided ratios of a comparison whose estimate `excess` is 0 when the versions are
    /// alike and positive when the canary is worse: against "worse by at most `tolerance`" (counted
    /// only when worse than that), and against "worse by `margin`" (counted only when better than that).
    public static func oneSided(excess: Double, variance: Double, tau2: Double, margin: Double, tolerance: Double = 0)
        -> (worse: Double, noWorse: Double)
    {
        (
            excess > tolerance ? likelihoodRatio(estimate: excess - tolerance, variance: variance, tau2: tau2) : 1,
            excess < margin ? likelihoodRatio(estimate: excess - margin, variance: variance, tau2: tau2) : 1
        )
    }
}

/// A count of successes (here: failed requests) out of trials.
public struct Proportion: Sendable, Equatable, Codable {
    /// Events counted (errors).
    public var events: Double
    /// Trials (requests).
    public var trials: Double

    /// Creates a proportion.
    public init(events: Double, trials: Double) {
        self.events = events
        self.trials = trials
    }

    /// The observed rate (0 without trials).
    public var rate: Double { trials > 0 ? events / trials : 0 }
}

/// The evidence about `canary − baseline` for two proportions (error rates): the estimate, its
/// variance, and the mSPRT's likelihood ratios for "the canary is worse" and "the canary is no
/// worse than `margin`".
public struct ProportionEvidence: Sendable, Equatable {
    /// p̂(canary) − p̂(baseline), with the Agresti–Caffo adjustment (one event and one non-event
    /// added to each arm), so that zero errors still carry a variance.
    public var difference: Double
    /// The difference's variance.
    public var variance: Double
    /// Λ against "worse by at most the tolerance", counted only when the canary is worse than that (one-sided).
    public var worse: Double
    /// Λ against "worse by `margin`", counted only when the canary is better than that (one-sided).
    public var noWorse: Double

    /// Weighs `canary` against `baseline` with mixing variance `tau2`, the non-inferiority `margin`
    /// and the difference `tolerance` "worse" ignores.
    public init(canary: Proportion, baseline: Proportion, tau2: Double, margin: Double, tolerance: Double = 0) {
        let canaryRate = (canary.events + 1) / (canary.trials + 2)
        let baselineRate = (baseline.events + 1) / (baseline.trials + 2)
        difference = canaryRate - baselineRate
        variance = canaryRate * (1 - canaryRate) / (canary.trials + 2) + baselineRate * (1 - baselineRate) / (baseline.trials + 2)
        (worse, noWorse) = MixtureSPRT.oneSided(excess: difference, variance: variance, tau2: tau2, margin: margin, tolerance: tolerance)
    }
}

/// Latencies as counts per bucket, on bucket bounds both versions share (the router's histogram
/// buckets): enough for a rank test with ties.
public struct BucketCounts: Sendable, Equatable, Codable {
    /// Count per bucket, in increasing latency.
    public var counts: [Double]

    /// Creates counts.
    public init(_ counts: [Double]) { self.counts = counts }

    /// All values.
    public var total: Double { counts.reduce(0, +) }
}

/// The Mann–Whitney comparison of two latency distributions given as shared buckets: the
/// probability that a canary request is slower than a baseline one (ties count half), its
/// variance under "no difference" with the tie correction, and the mSPRT's likelihood ratios.
public struct LatencyEvidence: Sendable, Equatable {
    /// P(canary > baseline) + ½ P(tie): 0.5 when they are alike, towards 1 when the canary is slower.
    public var slower: Double
    /// Its variance under "no difference" (tie-corrected).
    public var variance: Double
    /// Λ against "slower by at most the tolerance", counted only when the canary is slower than that.
    public var worse: Double
    /// Λ against "slower by `margin`" (in probability), counted only when it is less slow than that.
    public var noWorse: Double

    /// Weighs `canary` against `baseline` (the same buckets) with mixing variance `tau2`, the
    /// non-inferiority `margin` and the `tolerance` "slower" ignores.
    public init(canary: BucketCounts, baseline: BucketCounts, tau2: Double, margin: Double, tolerance: Double = 0) {
        let n1 = canary.total
        let n2 = baseline.total
        guard n1 > 0, n2 > 0, canary.counts.count == baseline.counts.count else {
            (slower, variance, worse, noWorse) = (0.5, 0, 1, 1)
            return
        }
        // U = Σ over buckets of canary[b] · (baseline below b + ½ baseline at b).
        var below = 0.0
        var u = 0.0
        var ties = 0.0
        for (c, b) in zip(canary.counts, baseline.counts) {
            u += c * (below + b / 2)
            below += b
            let t = c + b
            ties += t * t * t - t
        }
        let n = n1 + n2
        slower = u / (n1 * n2)
        // σ²(U) = n1 n2 / 12 · ((n + 1) − Σ(t³ − t) / (n (n − 1))); the same over (n1 n2)² for the probability.
        let varianceU = n1 * n2 / 12 * ((n + 1) - (n > 1 ? ties / (n * (n - 1)) : 0))
        variance = varianceU / (n1 * n1 * n2 * n2)
        (worse, noWorse) = MixtureSPRT.oneSided(excess: slower - 0.5, variance: variance, tau2: tau2, margin: margin, tolerance: tolerance)
    }
}
