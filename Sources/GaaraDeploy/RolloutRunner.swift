import Foundation
import GaaraAnalysis
import GaaraDeployCore
import GaaraRouterCore

/// How a release's health is judged while it rolls out.
public struct HealthSettings: Sendable, Equatable {
    /// The path asked (`/up`).
    public var path: String
    /// Seconds between checks.
    public var interval: Double
    /// Seconds a check may take.
    public var timeout: Double
    /// Passed checks in a row that make it healthy.
    public var healthyThreshold: Int
    /// Seconds the new release has to become healthy.
    public var deadline: Double

    /// Creates settings.
    public init(path: String = "/up", interval: Double = 1, timeout: Double = 2, healthyThreshold: Int = 2, deadline: Double = 60) {
        self.path = path
        self.interval = interval
        self.timeout = timeout
        self.healthyThreshold = healthyThreshold
        self.deadline = deadline
    }
}

/// Performs a ``RolloutController``'s actions against real targets, a traffic control and a health
/// probe, and feeds the results back until the rollout ends. The controller's state is written to
/// `stateFile` (atomically) after every decision and before any action, so a new runner started with
/// ``resume`` after a crash carries on from it.
public actor RolloutRunner {
    /// The service rolled out.
    public let service: String
    /// The release being rolled out.
    public let candidate: ReleaseSpec
    /// The release serving traffic before, if any.
    public let stable: ReleaseSpec?
    private let targets: [String: any DeployTarget]
    let traffic: any TrafficControl
    private let probe: any HealthProbe
    private let health: HealthSettings
    private let smokeTest: (@Sendable (TargetEndpoint) async throws -> Void)?
    private let stateFile: URL
    var controller: RolloutController
    var candidateEndpoints: [String: TargetEndpoint] = [:]
    var stableEndpoints: [String: TargetEndpoint] = [:]
    private var stoppedStable: Set<String> = []
    /// Inputs waiting to be handled, with who sent them and why (an operator's; nil for the rollout's own).
    private var inputs: [Queued] = []

    struct Queued {
        let input: RolloutInput
        var by: String? = nil
        var comment: String? = nil
    }
    let hostOrder: [String]
    /// Told each action before it is performed and each failure (the CLI's progress lines).
    private let observe: (@Sendable (String) -> Void)?
    /// Seconds requests in flight on a release taken out of the router get before it is stopped.
    private let drainTimeout = 30.0
    /// How analysis steps judge the canary.
    let analysis: CanaryAnalysisSettings
    /// Takes the HTTP, command and Prometheus metrics' measurements.
    let measurer: any MetricMeasurer
    /// Where metric commands run.
    let repository: URL
    /// Where the analysis's synthetic requests enter the router (nil: none are sent).
    let entrance: RouterEntrance?
    /// Told when an analysis or a bake holds the rollout for a person (why), to ask for a decision.
    let onHold: (@Sendable (String) async -> Void)?
    /// Run once before a rollback moves any traffic back (why, and where the releases answer): the
    /// environment's `pre-rollback` command, e.g. a down-migration.
    let preRollback: (@Sendable (String, MeasurementScope) async throws -> Void)?
    /// Whether it ran.
    private var preRollbackDone = false
    /// Measurements finished by their tasks, not yet recorded, tagged with the step they belong to.
    var deliveredMeasurements: [(generation: Int, name: String, measurement: MetricMeasurement)] = []
    /// Counts the steps with metrics, so that a measurement finishing after its step ended is dropped.
    var metricGeneration = 0
    /// Seconds between two looks of an analysis step at the router's counts (the judge's test stays
    /// valid however often it looks).
    private let analysisInterval: Double
    /// The decisions of the analysis steps so far, in words with their figures (for the release's
    /// record and the incident report).
    public private(set) var analysisFindings: [String] = []
    /// Every decision of the rollout with what it was made on (the release's signed evidence).
    public internal(set) var decisions: [DecisionEvidence.Decision] = []
    /// What decided the analysis or bake under way, its statistics and its metrics (for its decision).
    var stepBy = ""
    var stepStatistics: [DecisionEvidence.Statistic] = []
    var stepMetrics: [MetricRun.MetricState] = []

    /// A runner for `steps` (from ``RolloutPlan``) over `targets` (one per host, by host name).
    public init(
        service: String, candidate: ReleaseSpec, stable: ReleaseSpec?, steps: [RolloutStep], targets: [String: any DeployTarget],
        traffic: any TrafficControl, probe: any HealthProbe = HTTPHealthProbe(), health: HealthSettings = HealthSettings(),
        smokeTest: (@Sendable (TargetEndpoint) async throws -> Void)? = nil, stateFile: URL,
        analysis: CanaryAnalysisSettings = CanaryAnalysisSettings(), analysisInterval: Double = 0.5,
        measurer: any MetricMeasurer = LiveMetricMeasurer(), repository: URL = URL(fileURLWithPath: "."), entrance: RouterEntrance? = nil,
        preRollback: (@Sendable (String, MeasurementScope) async throws -> Void)? = nil, onHold: (@Sendable (String) async -> Void)? = nil,
        observe: (@Sendable (String) -> Void)? = nil
    ) {
        self.onHold = onHold
        self.preRollback = preRollback
        self.entrance = entrance
        self.analysis = analysis
        self.measurer = measurer
        self.repository = repository
        self.analysisInterval = analysisInterval
        self.observe = observe
        self.service = service
        self.candidate = candidate
        self.stable = stable
        self.targets = targets
        self.traffic = traffic
        self.probe = probe
        self.health = health
        self.smokeTest = smokeTest
        self.stateFile = stateFile
        controller = RolloutController(steps: steps, hasOldRelease: stable != nil)
        hostOrder = targets.keys.sorted()
    }

    /// The controller's state now (for status and tests).
    public var state: RolloutController.State { controller.state }

    /// Replaces the controller with the one persisted in `stateFile` (after a crash); ``run()`` then
    /// sends `recovered` (or `begin`, when it was saved before it began).
    public func resume() throws {
        let data = try Data(contentsOf: stateFile)
        controller = try JSONDecoder().decode(RolloutController.self, from: data)
        // Saved before it began (killed between the save and the first step): it begins now.
        inputs = [Queued(input: controller.state.phase == .pending ? .begin : .recovered)]
    }

    /// Queues an operator's input (pause, resume, promote, abort), handled before the next action;
    /// `by` (the person and role) and `comment` go into the decision's evidence.
    public func send(_ input: RolloutInput, by: String? = nil, comment: String? = nil) {
        inputs.append(Queued(input: input, by: by, comment: comment))
    }

    /// Runs the rollout to its end.
    public func run() async throws -> RolloutAction.Outcome {
        // The old release's endpoints: its targets adopt it (it runs) and say where it answers.
        if let stable {
            for host in hostOrder { stableEndpoints[host] = try await targets[host]!.start(stable) }
        }
        var queue = try inputs.isEmpty ? decide(.begin) : decideNext()
        while true {
            while !inputs.isEmpty { queue += try decideNext() }
            guard !queue.isEmpty else {
                // Finished before the crash (its outcome saved, not yet acted on): the same outcome.
                switch controller.state.phase {
                case .succeeded: return .succeeded(warnings: controller.state.warnings)
                case .aborted(let reason): return .aborted(reason: reason)
                default: break
                }
                // Held (paused): wait for an operator's input.
                try await Task.sleep(for: .milliseconds(50))
                continue
            }
            let action = queue.removeFirst()
            switch action {
            case .finished(let outcome):
                return outcome
            case .wake(let at):
                // A wait that an input decided since has ended (a promote or an abort that came while
                // the step before it ran): its wake is stale, and what follows is already queued.
                guard controller.state.waitUntil == at else { continue }
                // Slept in slices, so that a promote or an abort during a long pause is handled at once.
                while inputs.isEmpty, case let delay = at.timeIntervalSinceNow, delay > 0 {
                    try await Task.sleep(for: .milliseconds(max(1, min(100, Int((delay * 1000).rounded(.up))))))
                }
                while !inputs.isEmpty { queue += try decideNext() }
                queue += try decide(.tick)
            case .perform(let id, let kind):
                if case .aborting(let reason) = controller.state.phase, !preRollbackDone, let preRollback {
                    preRollbackDone = true
                    await runPreRollback(preRollback, reason: reason)
                }
                observe?(kind.summary)
                if case .analyze(let seconds) = kind {
                    queue += try report(id, kind.summary, "analysis", await analyze(seconds: seconds))
                    continue
                }
                if case .bake(let seconds) = kind {
                    queue += try report(id, kind.summary, "bake", await bake(seconds: seconds))
                    continue
                }
                do {
                    try await perform(kind)
                    queue += try decide(.succeeded(id))
                } catch {
                    observe?("failed: \(error)")
                    decisions.append(
                        DecisionEvidence.Decision(time: Date(), step: kind.summary, outcome: "failed", by: Self.decider(of: kind), detail: "\(error)")
                    )
                    queue += try decide(.failed(id, reason: "\(error)"))
                }
            }
        }
    }

    /// Runs the pre-rollback hook; a failure is recorded and warned about, and the rollback goes on:
    /// the traffic's way back is never blocked by a hook.
    private func runPreRollback(_ hook: @Sendable (String, MeasurementScope) async throws -> Void, reason: String) async {
        observe?("pre-rollback hook")
        let scope = MeasurementScope(
            service: service, release: candidate.release, stableRelease: stable?.release,
            releaseURL: hostOrder.lazy.compactMap { self.candidateEndpoints[$0] }.first.map { "http://\($0)" },
            stableURL: hostOrder.lazy.compactMap { self.stableEndpoints[$0] }.first.map { "http://\($0)" }, repository: repository)
        do {
            try await hook(reason, scope)
            decisions.append(DecisionEvidence.Decision(time: Date(), step: "pre-rollback hook", outcome: "passed", by: "the hook", detail: reason))
        } catch {
            observe?("warning: the pre-rollback hook failed (the rollback goes on): \(error)")
            decisions.append(
                DecisionEvidence.Decision(time: Date(), step: "pre-rollback hook", outcome: "failed", by: "the hook", detail: "\(error)"))
        }
    }

    /// The next queued input's decision.
    private func decideNext() throws -> [RolloutAction] {
        let next = inputs.removeFirst()
        return try decide(next.input, by: next.by, comment: next.comment)
    }

    /// One decision of the controller, persisted before its actions are performed.
    private func decide(_ input: RolloutInput, by: String? = nil, comment: String? = nil) throws -> [RolloutAction] {
        recordOperator(input, by: by, comment: comment)
        let actions = controller.handle(input, now: Date())
        let data = try JSONEncoder().encode(controller)
        try FileManager.default.createDirectory(at: stateFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: stateFile, options: .atomic)
        return actions
    }

    private func perform(_ kind: RolloutAction.Kind) async throws {
        switch kind {
        case .start(let hosts):
            for host in hosts { candidateEndpoints[host] = try await target(host).start(candidate) }
        case .awaitHealthy(let hosts):
            for host in hosts { try await awaitHealthy(host) }
        case .verify(let hosts):
            for host in hosts {
                if let problem = await probe.check(try await candidateEndpoint(host), path: health.path, timeout: health.timeout) {
                    throw DeployTargetError("\(candidate.release) on \(host): \(problem)")
                }
            }
        case .smokeTest:
            guard let smokeTest, let endpoint = hostOrder.compactMap({ candidateEndpoints[$0] }).first else { return }
            try await smokeTest(endpoint)
        case .route(let weight):
            try await adoptVerified()
            try await traffic.route(service: service, stable: stableGroup(), candidate: candidateGroup(), weight: weight)
        case .stopOld(let hosts):
            guard let stable else { return }
            // Out of the router first (the rest of the old release keeps its share), then stopped.
            stoppedStable.formUnion(hosts)
            try await adoptVerified()
            try await traffic.route(service: service, stable: stableGroup(), candidate: candidateGroup(), weight: controller.state.weight)
            await traffic.awaitDrained(service: service, endpoints: hosts.compactMap { stableEndpoints[$0] }, timeout: drainTimeout)
            for host in hosts { try await target(host).stop(stable) }
        case .stopNew(let hosts):
            let leaving = hosts.compactMap { candidateEndpoints[$0] }
            for host in hosts { candidateEndpoints[host] = nil }
            try await traffic.route(service: service, stable: stableGroup(), candidate: candidateGroup(), weight: 0)
            await traffic.awaitDrained(service: service, endpoints: leaving, timeout: drainTimeout)
            for host in hosts { try await target(host).stop(candidate) }
        case .startOld(let hosts):
            guard let stable else { return }
            for host in hosts {
                stableEndpoints[host] = try await target(host).start(stable)
                stoppedStable.remove(host)
            }
        case .analyze, .bake:
            break  // run() performs them: they report how they ended themselves
        }
    }

    /// How an analysis step ended.
    enum AnalysisEnd {
        case passed(String)
        case failed(String)
        case held(String)
        /// A promote or an abort came: the controller decides.
        case interrupted
    }

    /// Reports how an analysis or a bake (`what`, the step `summary`) ended, and records the decision.
    private func report(_ id: Int, _ summary: String, _ what: String, _ end: AnalysisEnd) throws -> [RolloutAction] {
        recordStep(summary, end)
        switch end {
        case .passed(let why):
            note("\(what) passed: \(why)")
            return try decide(.succeeded(id))
        case .failed(let why):
            note("\(what) failed: \(why)")
            if analysis.onFail == .pause { return try decide(.hold(id, reason: "\(what) failed (on-fail: pause holds the rollout): \(why)")) }
            return try decide(.failed(id, reason: why))
        case .held(let why):
            note("\(what) inconclusive: \(why)")
            return try decide(.hold(id, reason: "inconclusive: \(why)"))
        case .interrupted:
            var actions: [RolloutAction] = []
            while !inputs.isEmpty { actions += try decideNext() }
            // A promote ended the step's wait (the controller awaits its end); an abort dropped it.
            if controller.state.outstanding?.id == id { actions += try decide(.succeeded(id)) }
            return actions
        }
    }

    /// Whether an operator's promote or abort waits: it ends an analysis or a bake.
    private var promoteOrAbortQueued: Bool {
        inputs.contains {
            switch $0.input {
            case .promote, .abort: true
            default: false
            }
        }
    }

    /// A judge with the environment's limit and minimum.
    private func makeJudge() -> CanaryJudge {
        var settings = JudgeSettings()
        settings.errorRateLimit = analysis.errorRateLimit
        settings.minimumRequests = Double(analysis.minimumRequests)
        settings.critical = analysis.critical
        settings.weights = analysis.weights
        settings.passScore = analysis.passScore
        settings.marginalScore = analysis.marginalScore
        settings.latencyAllowance = LatencyAllowance(milliseconds: analysis.latencyAllowanceMs, ratio: analysis.latencyAllowanceRatio)
        return CanaryJudge(settings: settings)
    }

    func note(_ finding: String) {
        analysisFindings.append(finding)
        observe?(finding)
    }

    /// Watches the candidate with all the traffic for `seconds`: its health checks on every host
    /// (three failures in a row on one fail the bake), its error rate on the router's counts since
    /// the bake began (above the limit, on the same always-valid test the judge uses, fails it), and
    /// the analysis's metrics.
    private func bake(seconds: Double) async -> AnalysisEnd {
        var judge = makeJudge()
        let deadline = Date().addingTimeInterval(seconds)
        let base = try? await traffic.counts(service: service)
        var failuresInARow: [String: Int] = [:]
        var metrics = beginMetrics(at: Date())
        beginStep(by: "health checks")
        let synthetic = startSyntheticTraffic()
        defer { synthetic?.cancel() }
        while Date() < deadline {
            if promoteOrAbortQueued { return .interrupted }
            for host in hostOrder {
                guard let endpoint = candidateEndpoints[host] else { continue }
                if let problem = await probe.check(endpoint, path: health.path, timeout: health.timeout) {
                    failuresInARow[host, default: 0] += 1
                    if failuresInARow[host, default: 0] >= 3 {
                        stepBy = "health checks"
                        let log = await (try? target(host))?.logTail(candidate, lines: 20) ?? ""
                        return .failed(
                            "\(candidate.release) on \(host) failed its health checks during the bake (3 in a row): \(problem)"
                                + (log.isEmpty ? "" : "\nlast log lines:\n\(log)"))
                    }
                } else {
                    failuresInARow[host] = 0
                }
            }
            let reading = await readCounts()
            if let base, let counts = reading.counts {
                // The candidate alone: only the limit can trip (an empty baseline is never "better").
                let sample = Self.sample(counts, since: base, canary: candidate.release, baseline: "")
                if case .fail(let finding) = judge.judge(sample), finding.metric == "error-rate-limit" {
                    stepBy = "error-rate limit"
                    stepStatistics = [Self.statistic(finding)]
                    return .failed(
                        "during the bake, \(candidate.release)'s error rate \(String(format: "%.2f%%", finding.canary * 100)) is above the limit of \(String(format: "%.2f%%", analysis.errorRateLimit * 100)) (\(Int(finding.canaryRequests)) requests; p ≤ \(String(format: "%.4f", finding.pValue)))"
                    )
                }
            }
            advance(&metrics, reading, now: Date())
            stepMetrics = metrics.run.metrics
            if let end = metricsEnd(metrics.run) {
                stepBy = "metrics"
                return end
            }
            try? await Task.sleep(for: .milliseconds(Int(max(health.interval, analysisInterval) * 1000)))
        }
        metrics.run.conclude()
        stepMetrics = metrics.run.metrics
        if let end = metricsEnd(metrics.run) {
            stepBy = "metrics"
            return end
        }
        stepBy = analysis.metrics.isEmpty ? "health checks and error-rate limit" : "health checks, error-rate limit and metrics"
        return .passed(
            (["healthy for \(RolloutPlan.duration(seconds)), error rate within the limit"] + metrics.run.findings).joined(separator: "; "))
    }

    /// Judges the candidate against the stable release on the router's counts of both since the step
    /// began, every ``analysisInterval`` seconds, and takes the analysis's metrics, until the judge
    /// and the metrics decide, the step's time is up, or an operator promotes or aborts.
    private func analyze(seconds: Double?) async -> AnalysisEnd {
        let judging = analysis.judge && stable != nil
        guard judging || !analysis.metrics.isEmpty else { return .passed("there is no old release to compare with") }
        var judge = makeJudge()
        let deadline = seconds.map { Date().addingTimeInterval($0) }
        // Requests of the warm-up are not judged: the counts are taken as the base after it.
        let warmUp = Date().addingTimeInterval(min(analysis.initialDelay, (seconds ?? .infinity) / 4))
        var base: [String: TrafficCounts]?
        var errorsInARow = 0
        var judged: String? = judging ? nil : stable == nil ? "there is no old release to compare with" : "the judge is off"
        var metrics = beginMetrics(at: Date())
        beginStep(by: "judge")
        let synthetic = startSyntheticTraffic()
        defer { synthetic?.cancel() }
        while true {
            if promoteOrAbortQueued { return .interrupted }
            let over = deadline.map { Date() >= $0 } ?? false
            let reading = await readCounts()
            if let counts = reading.counts {
                errorsInARow = 0
                if judged == nil, let stable, let base {
                    let sample = Self.sample(counts, since: base, canary: candidate.release, baseline: stable.release)
                    switch over ? judge.deadline(sample) : judge.judge(sample) {
                    case .fail(let finding):
                        stepStatistics = [Self.statistic(finding)]
                        return .failed(Self.describe(finding))
                    case .pass(let findings):
                        stepStatistics = findings.map(Self.statistic)
                        judged = findings.map(Self.describe).joined(separator: "; ")
                    case .inconclusive(let why): return .held(why)
                    case .undecided: break
                    }
                } else if base == nil, Date() >= warmUp {
                    base = counts
                }
            } else if judged == nil {
                // Argo's consecutiveErrorLimit: a router that cannot be read for a while is an error.
                errorsInARow += 1
                if errorsInARow >= 10 {
                    return .failed("the router's counts could not be read \(errorsInARow) times in a row: \(reading.problem ?? "")")
                }
            }
            advance(&metrics, reading, now: Date())
            if over { metrics.run.conclude() }
            stepMetrics = metrics.run.metrics
            if let end = metricsEnd(metrics.run) {
                stepBy = "metrics"
                return end
            }
            if let judged, metrics.run.phase == .successful {
                stepBy = !judging ? "metrics" : analysis.metrics.isEmpty ? "judge" : "judge and metrics"
                return .passed(([judged] + metrics.run.findings).joined(separator: "; "))
            }
            if over, judged == nil { return .held("the step ended before the judge decided") }
            try? await Task.sleep(for: .milliseconds(Int(analysisInterval * 1000)))
        }
    }

    /// The judge's sample: each release's answers between `base` and `counts`.
    static func sample(_ counts: [String: TrafficCounts], since base: [String: TrafficCounts], canary: String, baseline: String) -> JudgeSample {
        func delta(_ group: String) -> TrafficCounts {
            let now = counts[group] ?? TrafficCounts(requests: 0, errors: 0)
            let then = base[group] ?? TrafficCounts(requests: 0, errors: 0, latency: now.latency.map { _ in 0 })
            let latency =
                now.latency.count == then.latency.count ? zip(now.latency, then.latency).map { max(0, $0 - $1) } : []
            return TrafficCounts(requests: max(0, now.requests - then.requests), errors: max(0, now.errors - then.errors), latency: latency)
        }
        let new = delta(canary)
        let old = delta(baseline)
        let latencies = new.latency.isEmpty || old.latency.count != new.latency.count ? nil : (BucketCounts(new.latency), BucketCounts(old.latency))
        return JudgeSample(
            canary: Proportion(events: new.errors, trials: new.requests), baseline: Proportion(events: old.errors, trials: old.requests),
            canaryLatency: latencies?.0, baselineLatency: latencies?.1, latencyBoundsMs: MetricsWindow.latencyBoundsMs)
    }

    /// A finding with its figures: `canary error rate 10.31% is higher than … (canary 412 requests, stable 7,803; p ≤ 0.0001)`.
    static func describe(_ finding: JudgeFinding) -> String {
        "\(finding.summary) (canary \(Int(finding.canaryRequests)) requests, stable \(Int(finding.baselineRequests)); p ≤ \(String(format: "%.4f", finding.pValue)))"
    }

    private func target(_ host: String) throws -> any DeployTarget {
        guard let target = targets[host] else { throw DeployTargetError("no target for host '\(host)'") }
        return target
    }

    /// Where the new release answers on `host`. Known once started; after a restart of the runner, or
    /// in a rollback to a release that still runs (no start step), the target adopts it here.
    private func candidateEndpoint(_ host: String) async throws -> TargetEndpoint {
        if let endpoint = candidateEndpoints[host] { return endpoint }
        let endpoint = try await target(host).start(candidate)
        candidateEndpoints[host] = endpoint
        return endpoint
    }

    /// Learns where the new release answers on every host where it passed its checks, before traffic
    /// moves: after a restart the runner knows no endpoint, and a group without them gets no traffic
    /// (a router answering 503 "no healthy target").
    private func adoptVerified() async throws {
        for host in controller.state.verifiedHosts where candidateEndpoints[host] == nil { _ = try await candidateEndpoint(host) }
    }

    private func stableGroup() -> TrafficGroup? {
        stable.map { stable in
            TrafficGroup(name: stable.release, endpoints: hostOrder.filter { !stoppedStable.contains($0) }.compactMap { stableEndpoints[$0] })
        }
    }

    private func candidateGroup() -> TrafficGroup {
        TrafficGroup(name: candidate.release, endpoints: hostOrder.compactMap { candidateEndpoints[$0] })
    }

    /// Probes until `healthyThreshold` checks in a row pass, or fails at the deadline with what the
    /// last check saw and the release's last log lines.
    private func awaitHealthy(_ host: String) async throws {
        let endpoint = try await candidateEndpoint(host)
        let deadline = Date().addingTimeInterval(health.deadline)
        var passed = 0
        var last = "no check ran"
        while true {
            if let problem = await probe.check(endpoint, path: health.path, timeout: health.timeout) {
                passed = 0
                last = problem
            } else {
                passed += 1
                if passed >= health.healthyThreshold { return }
            }
            if Date() >= deadline {
                let log = await (try? target(host))?.logTail(candidate, lines: 20) ?? ""
                throw DeployTargetError(
                    "\(candidate.release) on \(host) (\(endpoint)) did not become healthy within \(Int(health.deadline)) s: \(last)"
                        + (log.isEmpty ? "" : "\nlast log lines:\n\(log)"))
            }
            try await Task.sleep(for: .milliseconds(Int(health.interval * 1000)))
        }
    }
}
