/// How a new release replaces the one serving traffic (`.gaara/deploy.yml`'s `strategy`).
public enum RolloutStrategy: Sendable, Equatable, Codable {
    /// Stop the old release everywhere, then start the new one (development environments: there is a gap).
    case recreate
    /// Host by host (in batches of `maxSurge`), each batch healthy before the next starts; traffic moves
    /// with the hosts. `maxUnavailable` hosts may stop before their replacement starts.
    case rolling(maxSurge: Int, maxUnavailable: Int)
    /// Start green beside blue, check it, switch all traffic, keep blue running for `scaleDownDelay` seconds
    /// (the rollback option), then stop it.
    case blueGreen(scaleDownDelay: Double)
    /// Shift traffic in steps (the guide's 5% → 100%), with pauses between them, then stop the old release
    /// after `scaleDownDelay` seconds.
    case canary(steps: [CanaryStep], scaleDownDelay: Double)
}

/// One step of a canary: a share of traffic or a pause.
public enum CanaryStep: Sendable, Equatable, Codable {
    /// Send this percentage (1–100) of requests to the new release.
    case weight(Int)
    /// Wait this many seconds; nil waits until someone promotes the rollout.
    case pause(seconds: Double?)
}

/// One thing a rollout does, in order. Strategies are lists of these; metric analysis is one more
/// kind of step.
public enum RolloutStep: Sendable, Equatable, Codable {
    /// Start the new release on these hosts (next to the old one).
    case start(hosts: [String])
    /// Wait until the new release passes its health checks on these hosts.
    case awaitHealthy(hosts: [String])
    /// Run the smoke tests against the new release before it gets any traffic.
    case smokeTest
    /// Send this percentage of traffic to the new release (the rest to the old one).
    case route(weight: Int)
    /// Wait this many seconds, or until promoted when nil.
    case pause(seconds: Double?)
    /// A pause in which the canary judge compares the new release with the old one on the router's
    /// counts: it ends the step early when the evidence decides (no worse: next step; worse: abort,
    /// or hold with `on-fail: pause`), and at the end of `seconds` (nil: none) a step without enough
    /// traffic to judge is held for a person (inconclusive, never passed).
    case analyze(seconds: Double?)
    /// After all traffic moved, watch the new release for this many seconds (the guide's "monitor for
    /// 30 minutes") with the old one still ready: a failing health check or an error rate above the
    /// limit aborts, and the traffic goes back.
    case bake(seconds: Double)
    /// Stop the old release on these hosts, `after` seconds after the step begins.
    case stopOld(hosts: [String], after: Double)

    /// Whether the step moves traffic or waits between moves: what `promote --full` skips.
    var isTrafficStaging: Bool {
        switch self {
        case .pause, .analyze, .bake: true
        case .route(let weight): weight < 100
        default: false
        }
    }

    /// `start on web-1, web-2`, `route 25%`, `pause 2m`.
    public var summary: String {
        switch self {
        case .start(let hosts): "start on \(hosts.joined(separator: ", "))"
        case .awaitHealthy(let hosts): "wait until healthy on \(hosts.joined(separator: ", "))"
        case .smokeTest: "smoke tests"
        case .route(let weight): "route \(weight)%"
        case .pause(let seconds): seconds.map { "pause \(RolloutPlan.duration($0))" } ?? "pause until promoted"
        case .analyze(let seconds): seconds.map { "analysis for up to \(RolloutPlan.duration($0))" } ?? "analysis until promoted"
        case .bake(let seconds): "bake \(RolloutPlan.duration(seconds)) (health and error rate watched)"
        case .stopOld(let hosts, let after):
            "stop the old release on \(hosts.joined(separator: ", "))" + (after > 0 ? " after \(RolloutPlan.duration(after))" : "")
        }
    }
}

/// Why a plan cannot be made.
public struct RolloutPlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The steps of a rollout: a strategy applied to an environment's hosts.
public enum RolloutPlan {
    /// The steps that deploy a new release to `hosts` with `strategy`. `hasOldRelease` is false for an
    /// environment's first release (nothing to stop or share traffic with). `smokeTests` adds the smoke
    /// tests before any traffic moves. `analysis` makes a canary's pauses analysis steps (see
    /// ``RolloutStep/analyze(seconds:)``); `bake` seconds of watching follow the move of all traffic
    /// when there is an old release to go back to.
    public static func steps(
        _ strategy: RolloutStrategy, hosts: [String], hasOldRelease: Bool, smokeTests: Bool, analysis: Bool = false, bake: Double = 0
    ) throws(RolloutPlanError) -> [RolloutStep] {
        guard bake >= 0 else { throw RolloutPlanError("bake must not be negative") }
        var steps = try moves(strategy, hosts: hosts, hasOldRelease: hasOldRelease, smokeTests: smokeTests, analysis: analysis)
        if bake > 0, hasOldRelease, let last = steps.lastIndex(of: .route(weight: 100)) {
            steps.insert(.bake(seconds: bake), at: last + 1)
        }
        return steps
    }

    private static func moves(
        _ strategy: RolloutStrategy, hosts: [String], hasOldRelease: Bool, smokeTests: Bool, analysis: Bool
    ) throws(RolloutPlanError) -> [RolloutStep] {
        guard !hosts.isEmpty else { throw RolloutPlanError("an environment needs at least one host") }
        guard Set(hosts).count == hosts.count else { throw RolloutPlanError("a host is listed twice") }
        let smoke: [RolloutStep] = smokeTests ? [.smokeTest] : []
        switch strategy {
        case .recreate:
            let stop: [RolloutStep] = hasOldRelease ? [.stopOld(hosts: hosts, after: 0)] : []
            return stop + [.start(hosts: hosts), .awaitHealthy(hosts: hosts)] + smoke + [.route(weight: 100)]
        case .blueGreen(let delay):
            guard delay >= 0 else { throw RolloutPlanError("scale-down-delay must not be negative") }
            return [.start(hosts: hosts), .awaitHealthy(hosts: hosts)] + smoke + [.route(weight: 100)]
                + (hasOldRelease ? [.stopOld(hosts: hosts, after: delay)] : [])
        case .canary(let canarySteps, let delay):
            guard delay >= 0 else { throw RolloutPlanError("scale-down-delay must not be negative") }
            var steps: [RolloutStep] = [.start(hosts: hosts), .awaitHealthy(hosts: hosts)] + smoke
            var last = 0
            for step in canarySteps {
                switch step {
                case .weight(let weight):
                    guard (1...100).contains(weight) else { throw RolloutPlanError("a canary weight must be 1 to 100, not \(weight)") }
                    guard weight > last else { throw RolloutPlanError("canary weights must grow: \(weight) after \(last)") }
                    last = weight
                    steps.append(.route(weight: weight))
                case .pause(let seconds):
                    if let seconds, seconds <= 0 { throw RolloutPlanError("a canary pause must be longer than 0 s") }
                    // Analysis needs both versions serving: a pause before the first weight stays one.
                    steps.append(analysis && last > 0 && last < 100 ? .analyze(seconds: seconds) : .pause(seconds: seconds))
                }
            }
            // A first release has nothing to be compared with and no one to share traffic with: its
            // weights and pauses (checked above all the same) would only hold it at a share of nothing.
            guard hasOldRelease else { return [.start(hosts: hosts), .awaitHealthy(hosts: hosts)] + smoke + [.route(weight: 100)] }
            if last < 100 { steps.append(.route(weight: 100)) }
            return steps + [.stopOld(hosts: hosts, after: delay)]
        case .rolling(let maxSurge, let maxUnavailable):
            guard maxSurge >= 0, maxUnavailable >= 0, maxSurge + maxUnavailable > 0 else {
                throw RolloutPlanError("max-surge and max-unavailable must not both be 0 (nothing could move)")
            }
            let batch = max(maxSurge, maxUnavailable)
            var steps: [RolloutStep] = []
            var moved = 0
            for start in stride(from: 0, to: hosts.count, by: batch) {
                let group = Array(hosts[start..<min(start + batch, hosts.count)])
                // Hosts beyond the surge may stop before their replacement starts.
                let early = hasOldRelease && maxSurge == 0 ? [RolloutStep.stopOld(hosts: group, after: 0)] : []
                steps += early + [.start(hosts: group), .awaitHealthy(hosts: group)]
                if start == 0 { steps += smoke }
                moved += group.count
                steps.append(.route(weight: moved == hosts.count ? 100 : moved * 100 / hosts.count))
                if hasOldRelease, maxSurge > 0 { steps.append(.stopOld(hosts: group, after: 0)) }
            }
            return steps
        }
    }

    /// The steps of a rollback to a kept release: a router switch when it still runs, else start it first.
    public static func rollback(hosts: [String], stillRunning: Bool) -> [RolloutStep] {
        (stillRunning ? [] : [.start(hosts: hosts)]) + [.awaitHealthy(hosts: hosts), .route(weight: 100), .stopOld(hosts: hosts, after: 0)]
    }

    /// `90 s`, `2m`, `1h 30m`.
    public static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 120 { return "\(whole) s" }
        if whole < 3600 { return whole % 60 == 0 ? "\(whole / 60)m" : "\(whole / 60)m \(whole % 60)s" }
        return whole % 3600 == 0 ? "\(whole / 3600)h" : "\(whole / 3600)h \(whole % 3600 / 60)m"
    }
}

extension RolloutStep {
    /// What a waiting step is called in the log (`pause`, `analysis`, `bake`).
    var waitName: String {
        switch self {
        case .analyze: "analysis"
        case .bake: "bake"
        default: "pause"
        }
    }

    /// Whether the step waits (a pause, an analysis, a bake): what a promote ends.
    var isWait: Bool {
        switch self {
        case .pause, .analyze, .bake: true
        default: false
        }
    }
}
