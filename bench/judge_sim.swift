// The canary-judge simulation of `bench/judge`: seeded synthetic traffic (the guide's canary at 5%
// of 200 requests a second, a 10-minute step), judged three ways side by side:
//   - Gaara's sequential judge (GaaraAnalysis.CanaryJudge), asked every second;
//   - an Argo Rollouts-style threshold analysis: one measurement per 1-minute interval (error rate
//     < 5%, p95 < 300 ms), failureLimit 2 (the third failed measurement fails the analysis);
//   - a fixed-horizon test at the step's end: two-proportion z-test on errors and Mann–Whitney on
//     latency, each at α = 0.5% (1% for both).
// Built with swiftc against Sources/GaaraAnalysis (and the router's seeded FastRandom) by bench/judge;
// not part of the product.

import Foundation

/// One version's traffic: its error rate and latency (log-normal around `median` ms, plus `shift`).
struct Version {
    var errors: Double
    var median = 100.0
    var shift = 0.0
}

let bucketMs = 10.0
let buckets = 300  // 0 … 3 s

func latency(_ version: Version, _ random: inout FastRandom) -> Double {
    // Box–Muller: a standard normal, then log-normal with σ = 0.5.
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random)
    let u2 = Double.random(in: 0..<1, using: &random)
    let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    return version.median * exp(0.5 * normal) + version.shift
}

func bucket(_ ms: Double) -> Int { min(buckets - 1, Int(ms / bucketMs)) }

func p95(_ counts: [Double]) -> Double {
    let total = counts.reduce(0, +)
    guard total > 0 else { return 0 }
    var seen = 0.0
    for (index, count) in counts.enumerated() {
        seen += count
        if seen >= 0.95 * total { return Double(index + 1) * bucketMs }
    }
    return Double(buckets) * bucketMs
}

/// How a method ended one rollout: rolled back at a second, or not (promoted or still running at the end).
enum Ending {
    case rolledBack(Int)
    case kept
}

struct Rollout {
    let canary: Version
    let baseline: Version
    let withLatency: Bool
    let seconds = 600
    let canaryPerSecond = 10
    let baselinePerSecond = 190

    /// Runs the three methods over the same simulated traffic.
    func run(seed: UInt64) -> (gaara: Ending, argo: Ending, fixed: Ending) {
        var random = FastRandom(seed: seed)
        var judge = CanaryJudge()
        var gaara: Ending?
        var argo: Ending?
        var argoFailures = 0
        var canary = Proportion(events: 0, trials: 0)
        var baseline = Proportion(events: 0, trials: 0)
        var canaryBuckets = [Double](repeating: 0, count: buckets)
        var baselineBuckets = [Double](repeating: 0, count: buckets)
        var minuteErrors = 0.0
        var minuteRequests = 0.0
        var minuteBuckets = [Double](repeating: 0, count: buckets)
        for second in 1...seconds {
            for _ in 0..<canaryPerSecond {
                let failed = Double.random(in: 0..<1, using: &random) < self.canary.errors
                if failed {
                    canary.events += 1
                    minuteErrors += 1
                }
                if withLatency {
                    let index = bucket(latency(self.canary, &random))
                    canaryBuckets[index] += 1
                    minuteBuckets[index] += 1
                }
            }
            for _ in 0..<baselinePerSecond {
                if Double.random(in: 0..<1, using: &random) < self.baseline.errors { baseline.events += 1 }
                if withLatency { baselineBuckets[bucket(latency(self.baseline, &random))] += 1 }
            }
            canary.trials += Double(canaryPerSecond)
            baseline.trials += Double(baselinePerSecond)
            minuteRequests += Double(canaryPerSecond)
            if gaara == nil {
                let sample = JudgeSample(
                    canary: canary, baseline: baseline, canaryLatency: withLatency ? BucketCounts(canaryBuckets) : nil,
                    baselineLatency: withLatency ? BucketCounts(baselineBuckets) : nil)
                switch second == seconds ? judge.deadline(sample) : judge.judge(sample) {
                case .fail: gaara = .rolledBack(second)
                case .pass, .inconclusive: gaara = .kept
                case .undecided: break
                }
            }
            if second % 60 == 0, argo == nil {
                let failed = minuteErrors / minuteRequests >= 0.05 || (withLatency && p95(minuteBuckets) >= 300)
                if failed { argoFailures += 1 }
                if argoFailures > 2 { argo = .rolledBack(second) }
                minuteErrors = 0
                minuteRequests = 0
                minuteBuckets = [Double](repeating: 0, count: buckets)
            }
        }
        // Fixed horizon: one look at the end.
        var fixed = Ending.kept
        let pooled = (canary.events + baseline.events) / (canary.trials + baseline.trials)
        let se = (pooled * (1 - pooled) * (1 / canary.trials + 1 / baseline.trials)).squareRoot()
        if se > 0, (canary.rate - baseline.rate) / se > 2.576 { fixed = .rolledBack(seconds) }
        if withLatency {
            let evidence = LatencyEvidence(canary: BucketCounts(canaryBuckets), baseline: BucketCounts(baselineBuckets), tau2: 0.01, margin: 0.05)
            if evidence.variance > 0, (evidence.slower - 0.5) / evidence.variance.squareRoot() > 2.576 { fixed = .rolledBack(seconds) }
        }
        return (gaara ?? .kept, argo ?? .kept, fixed)
    }
}

func describe(_ name: String, _ endings: [Ending], bad: Bool) -> String {
    let times = endings.compactMap { ending -> Int? in
        if case .rolledBack(let second) = ending { return second }
        return nil
    }.sorted()
    let share = Double(times.count) / Double(endings.count) * 100
    if !bad { return String(format: "%@ %6.2f%% rolled back", name.padding(toLength: 9, withPad: " ", startingAt: 0), share) }
    let median = times.isEmpty ? "-" : "\(times[times.count / 2]) s"
    let p95 = times.isEmpty ? "-" : "\(times[min(times.count - 1, Int(Double(times.count) * 0.95))]) s"
    return "\(name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(String(format: "%6.2f%%", share)) rolled back, median \(median), p95 \(p95)"
}

func median(_ endings: [Ending]) -> Double? {
    let times = endings.compactMap { ending -> Int? in
        if case .rolledBack(let second) = ending { return second }
        return nil
    }.sorted()
    return times.isEmpty ? nil : Double(times[times.count / 2])
}

@main
struct JudgeBench {
    static func main() {
        let count = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 1000
        let rows: [(String, Rollout, Bool)] = [
            (
                "A/A: both versions at 1% errors (false rollbacks; goal <= 1%)",
                Rollout(canary: Version(errors: 0.01), baseline: Version(errors: 0.01), withLatency: true), false
            ),
            (
                "10% errors on the canary, 1% on the stable version",
                Rollout(canary: Version(errors: 0.10), baseline: Version(errors: 0.01), withLatency: false), true
            ),
            ("+200 ms on the canary", Rollout(canary: Version(errors: 0.01, shift: 200), baseline: Version(errors: 0.01), withLatency: true), true),
            (
                "1.5x the error rate (1.5% vs 1%; missed = not rolled back)",
                Rollout(canary: Version(errors: 0.015), baseline: Version(errors: 0.01), withLatency: false), true
            ),
        ]
        print("\(count) seeded rollouts per row; canary 10 req/s beside 190 req/s, a 10-minute step, judged every second")
        for (index, (title, rollout, bad)) in rows.enumerated() {
            var gaara: [Ending] = []
            var argo: [Ending] = []
            var fixed: [Ending] = []
            for seed in 0..<count {
                let (g, a, f) = rollout.run(seed: UInt64(index * 1_000_000 + seed + 1))
                gaara.append(g)
                argo.append(a)
                fixed.append(f)
            }
            print("== \(title)")
            print("  " + describe("gaara", gaara, bad: bad))
            print("  " + describe("argo", argo, bad: bad))
            print("  " + describe("fixed", fixed, bad: bad))
            if bad, let fast = median(gaara), let slow = median(argo) {
                print(String(format: "  median time to roll back: argo / gaara = %.1fx%@", slow / fast, index < 3 ? "   (goal >= 10x)" : ""))
            }
        }
    }
}
