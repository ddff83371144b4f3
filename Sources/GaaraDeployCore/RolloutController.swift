import Foundation

/// The deploy controller's decisions for one rollout, as a pure state machine (like `RunScheduler` and
/// `TargetHealth`): it is told what happened (``RolloutInput``) and answers with what to do next
/// (``RolloutAction``); an adapter performs the actions against real targets and the router, and
/// reports back. No I/O, no clock: the time comes with each input.
///
/// Contract for the adapter:
/// - Persist ``state`` (it is `Codable`) after every call to ``handle(_:now:)`` and before performing any
///   of the actions it returned, so that a crash loses no decision.
/// - Perform the actions in order. Each ``RolloutAction/Kind`` but `wake` carries an id; report its end
///   with ``RolloutInput/succeeded(_:)`` or ``RolloutInput/failed(_:reason:)``. Reports of other ids are ignored
///   (a late answer to an action the rollout has moved past).
/// - Make `start`, `stop` and `route` idempotent (start adopts a target it finds running by its labels):
///   after a crash the controller may ask for the same action again.
/// - For `wake(at:)`, send ``RolloutInput/tick`` at (or after) that time.
/// - After a restart, load the persisted state and send ``RolloutInput/recovered``.
public struct RolloutController: Sendable, Equatable, Codable {
    /// Where a rollout stands.
    public enum Phase: Sendable, Equatable, Codable {
        /// Created, not begun.
        case pending
        /// Executing step ``State/index`` (an action may be outstanding).
        case running
        /// Held at step ``State/index`` by `pause` (an outstanding action still finishes).
        case paused
        /// Sending traffic back to the old release and stopping the new one.
        case aborting(reason: String)
        /// Every step done: the new release serves all traffic.
        case succeeded
        /// Aborted: the old release serves all traffic again (or, on a first release, nothing was routed).
        case aborted(reason: String)

        /// Whether the rollout is over.
        public var isFinished: Bool {
            switch self {
            case .succeeded, .aborted: true
            default: false
            }
        }
    }

    /// An action the controller is waiting to hear back about.
    public struct Outstanding: Sendable, Equatable, Codable {
        /// Its id.
        public var id: Int
        /// What it is.
        public var kind: RolloutAction.Kind
    }

    /// Everything the controller knows; persisted by the adapter.
    public struct State: Sendable, Equatable, Codable {
        /// The steps, from ``RolloutPlan``.
        public var steps: [RolloutStep]
        /// The step being executed (`steps.count` when all are done).
        public var index = 0
        /// Where the rollout stands.
        public var phase = Phase.pending
        /// The percentage of traffic the new release receives now.
        public var weight = 0
        /// Hosts the new release was asked to start on (what an abort stops).
        public var startedHosts: [String] = []
        /// Hosts the old release was stopped on (an abort starts it there again before routing to it).
        public var stoppedOldHosts: [String] = []
        /// Hosts where the new release passed its health checks (what a restart re-checks).
        public var verifiedHosts: [String] = []
        /// Undo actions that failed while aborting (not tried again).
        public var failedUndos: [String] = []
        /// Whether an old release exists to return to.
        public var hasOldRelease: Bool
        /// The action waited for, if any.
        public var outstanding: Outstanding?
        /// The next action id.
        public var nextID = 1
        /// When the current timed step (pause, delayed stop) ends.
        public var waitUntil: Date?
        /// Whether the current step's delay is over (a delayed stop is issued now, also after a restart).
        public var delayDone = false
        /// `promote --full`: skip the remaining pauses and partial weights.
        public var promoteFully = false
        /// A promote that came before the pause it was meant for began (while the traffic moved):
        /// the next pause is skipped. Optional, so a state saved before it existed still decodes.
        public var promotePending: Bool?
        /// Problems after traffic moved that did not undo the rollout (a failed stop of the old release).
        public var warnings: [String] = []
        /// What happened, in order, for `gaara rollout status` and the release's history.
        public var log: [String] = []
    }

    /// The state.
    public private(set) var state: State

    /// A controller for `steps`.
    public init(steps: [RolloutStep], hasOldRelease: Bool) {
        state = State(steps: steps, hasOldRelease: hasOldRelease)
    }

    /// The step being executed, nil when past the last.
    public var currentStep: RolloutStep? { state.index < state.steps.count ? state.steps[state.index] : nil }

    /// Handles one input at time `now`; returns the actions to perform, in order.
    public mutating func handle(_ input: RolloutInput, now: Date) -> [RolloutAction] {
        switch input {
        case .begin:
            guard state.phase == .pending else { return [] }
            state.phase = .running
            note("rollout began")
            return advance(now: now)
        case .succeeded(let id):
            guard let outstanding = state.outstanding, outstanding.id == id else { return [] }
            state.outstanding = nil
            return completed(outstanding.kind, now: now)
        case .failed(let id, let reason):
            guard let outstanding = state.outstanding, outstanding.id == id else { return [] }
            state.outstanding = nil
            return failed(outstanding.kind, reason: reason, now: now)
        case .hold(let id, let reason):
            guard let outstanding = state.outstanding, outstanding.id == id else { return [] }
            state.outstanding = nil
            guard state.phase == .running || state.phase == .paused else { return completed(outstanding.kind, now: now) }
            state.phase = .paused
            note("held for a decision (promote or abort): \(reason)")
            return []
        case .tick:
            guard let until = state.waitUntil, now >= until, state.outstanding == nil else {
                return state.waitUntil.map { [.wake(at: $0)] } ?? []
            }
            state.waitUntil = nil
            state.delayDone = true
            return state.phase == .running ? issueCurrent(now: now) : []
        case .pause:
            guard state.phase == .running else { return [] }
            state.phase = .paused
            note("paused")
            return []
        case .resume:
            guard state.phase == .paused else { return [] }
            state.phase = .running
            note("resumed")
            if state.outstanding != nil || state.waitUntil != nil { return state.waitUntil.map { [.wake(at: $0)] } ?? [] }
            return advance(now: now)
        case .promote(let full):
            guard state.phase == .running || state.phase == .paused else { return [] }
            note(full ? "promoted fully" : "promoted")
            state.promoteFully = state.promoteFully || full
            state.phase = .running
            // A pause in progress ends now (an outstanding action finishes first); promote also resumes.
            // An analysis held for a decision ends the same way (one still judging is ended by the
            // adapter, which reports it done).
            if currentStep?.isWait == true {
                state.waitUntil = nil
                if state.outstanding == nil {
                    moveToNextStep()
                } else {
                    // An action of the pause's step is still out (a health re-check after a restart): the
                    // pause counts as over once it is back.
                    state.delayDone = true
                }
            } else if !full, state.steps[state.index...].contains(where: \.isWait) {
                // Sent a moment early (`gaara rollout promote` right after "route 5%"): it is for the next pause.
                state.promotePending = true
            }
            if state.outstanding == nil, state.waitUntil == nil { return advance(now: now) }
            return state.waitUntil.map { [.wake(at: $0)] } ?? []
        case .abort(let reason):
            return abort(reason, now: now)
        case .recovered:
            return recover(now: now)
        }
    }

    // MARK: Steps

    /// Issues the current step, or moves past steps that need no action, until one needs an action or a wait.
    private mutating func advance(now: Date) -> [RolloutAction] {
        while state.phase == .running, state.outstanding == nil, state.waitUntil == nil {
            guard let step = currentStep else {
                state.phase = .succeeded
                note("succeeded")
                return [.finished(.succeeded(warnings: state.warnings))]
            }
            if state.promoteFully, step.isTrafficStaging {
                moveToNextStep()
                continue
            }
            return issueCurrent(now: now)
        }
        return []
    }

    /// The action (or wait) of the current step.
    private mutating func issueCurrent(now: Date) -> [RolloutAction] {
        guard let step = currentStep else { return [] }
        switch step {
        case .start(let hosts):
            state.startedHosts = unique(state.startedHosts + hosts)
            return [issue(.start(hosts: hosts))]
        case .awaitHealthy(let hosts):
            return [issue(.awaitHealthy(hosts: hosts))]
        case .smokeTest:
            return [issue(.smokeTest)]
        case .route(let weight):
            return [issue(.route(weight: weight))]
        case .pause, .analyze, .bake:
            // A wait: skipped when a promote came before it began, over once its delay is done.
            if state.promotePending == true {
                state.promotePending = nil
                note("promoted before the \(step.waitName) began")
                state.delayDone = true
            }
            if state.delayDone {
                moveToNextStep()
                return advance(now: now)
            }
            switch step {
            case .analyze(let seconds): return [issue(.analyze(seconds: seconds))]
            case .bake(let seconds): return [issue(.bake(seconds: seconds))]
            case .pause(.some(let seconds)):
                let until = now.addingTimeInterval(seconds)
                state.waitUntil = until
                return [.wake(at: until)]
            default:
                state.phase = .paused
                note("waiting to be promoted")
                return []
            }
        case .stopOld(let hosts, let after):
            if after > 0, !state.delayDone {
                let until = now.addingTimeInterval(after)
                state.waitUntil = until
                return [.wake(at: until)]
            }
            return [issue(.stopOld(hosts: hosts))]
        }
    }

    private mutating func moveToNextStep() {
        state.index += 1
        state.delayDone = false
    }

    private mutating func issue(_ kind: RolloutAction.Kind) -> RolloutAction {
        let id = state.nextID
        state.nextID += 1
        state.outstanding = Outstanding(id: id, kind: kind)
        return .perform(id: id, kind)
    }

    /// An action ended well.
    private mutating func completed(_ kind: RolloutAction.Kind, now: Date) -> [RolloutAction] {
        switch kind {
        case .route(let weight):
            state.weight = weight
            note("\(weight)% of traffic on the new release")
        case .stopOld(let hosts):
            state.stoppedOldHosts = unique(state.stoppedOldHosts + hosts)
        case .stopNew(let hosts):
            state.startedHosts.removeAll { hosts.contains($0) }
            state.verifiedHosts.removeAll { hosts.contains($0) }
        case .startOld(let hosts):
            state.stoppedOldHosts.removeAll { hosts.contains($0) }
        case .awaitHealthy(let hosts):
            state.verifiedHosts = unique(state.verifiedHosts + hosts)
        default: break
        }
        if case .aborting(let reason) = state.phase { return continueAbort(reason) }
        if case .verify = kind {
            // Health confirmed after a restart: carry on with the step that was interrupted.
            note("the new release is healthy again after the restart")
            return state.phase == .running ? reissueAfterRecovery(now: now) : []
        }
        moveToNextStep()
        return state.phase == .running ? advance(now: now) : []
    }

    /// An action failed.
    private mutating func failed(_ kind: RolloutAction.Kind, reason: String, now: Date) -> [RolloutAction] {
        if case .aborting(let abortReason) = state.phase {
            // Undoing goes on without what failed; what could not be undone is kept as a warning.
            state.warnings.append("\(kind.summary) failed while aborting: \(reason)")
            state.failedUndos.append(kind.undoName)
            return continueAbort(abortReason)
        }
        switch kind {
        case .stopOld:
            // Traffic already moved to a verified release: the rollout stands; the leftover is reported.
            state.warnings.append("the old release could not be stopped: \(reason)")
            note("warning: the old release could not be stopped: \(reason)")
            moveToNextStep()
            return state.phase == .running ? advance(now: now) : []
        default:
            return abort("\(kind.summary) failed: \(reason)", now: now)
        }
    }

    // MARK: Abort

    private mutating func abort(_ reason: String, now: Date) -> [RolloutAction] {
        switch state.phase {
        case .pending:
            state.phase = .aborted(reason: reason)
            note("aborted: \(reason)")
            return [.finished(.aborted(reason: reason))]
        case .running, .paused:
            state.phase = .aborting(reason: reason)
            state.waitUntil = nil
            note("aborting: \(reason)")
            // An outstanding action's answer is no longer awaited; undoing starts now. A stop of the old
            // release in flight may have happened: those hosts count as stopped (started again if needed).
            if case .stopOld(let hosts) = state.outstanding?.kind {
                state.stoppedOldHosts = unique(state.stoppedOldHosts + hosts)
            }
            state.outstanding = nil
            return continueAbort(reason)
        default:
            return []
        }
    }

    /// The next undo, in an order that never leaves requests without a release: the old release started
    /// again where it was stopped (when traffic must go back to it), traffic back to it, the new release
    /// stopped, the old one started again on the remaining hosts.
    private mutating func continueAbort(_ reason: String) -> [RolloutAction] {
        guard state.hasOldRelease else {
            if !state.startedHosts.isEmpty, !state.failedUndos.contains("stopNew") { return [issue(.stopNew(hosts: state.startedHosts))] }
            return finishAbort(reason)
        }
        let oldRuns = !Set(allHosts).isSubset(of: state.stoppedOldHosts)
        if state.weight > 0 {
            if !oldRuns, !state.failedUndos.contains("startOld") { return [issue(.startOld(hosts: state.stoppedOldHosts))] }
            if oldRuns, !state.failedUndos.contains("route") { return [issue(.route(weight: 0))] }
            // Traffic cannot leave the new release: it keeps running.
            return finishAbort(reason + " (traffic stays on the new release: the old one could not take it back)")
        }
        if !state.startedHosts.isEmpty, !state.failedUndos.contains("stopNew") { return [issue(.stopNew(hosts: state.startedHosts))] }
        if !state.stoppedOldHosts.isEmpty, !state.failedUndos.contains("startOld") { return [issue(.startOld(hosts: state.stoppedOldHosts))] }
        return finishAbort(reason)
    }

    private mutating func finishAbort(_ reason: String) -> [RolloutAction] {
        state.phase = .aborted(reason: reason)
        note("aborted: \(reason)")
        return [.finished(.aborted(reason: reason))]
    }

    // MARK: Recovery

    /// After a restart: an aborting rollout goes on aborting; one with traffic on the new release first
    /// checks that release's health again (never trusting an unverified release with traffic); otherwise the
    /// interrupted step is issued again (actions are idempotent) and a wait is armed again.
    private mutating func recover(now: Date) -> [RolloutAction] {
        note("controller restarted")
        switch state.phase {
        case .pending, .succeeded, .aborted:
            return []
        case .aborting(let reason):
            state.outstanding = nil
            return continueAbort(reason)
        case .running, .paused:
            state.outstanding = nil
            // Checked again before it is trusted with (more) traffic: it may have died with the
            // controller, or while nobody watched.
            if !state.verifiedHosts.isEmpty {
                return [issue(.verify(hosts: state.verifiedHosts))]
            }
            return state.phase == .running ? reissueAfterRecovery(now: now) : (state.waitUntil.map { [.wake(at: $0)] } ?? [])
        }
    }

    private mutating func reissueAfterRecovery(now: Date) -> [RolloutAction] {
        if let until = state.waitUntil { return [.wake(at: until)] }
        return advance(now: now)
    }

    private mutating func note(_ text: String) {
        let step = currentStep.map { "step \(state.index + 1)/\(state.steps.count) (\($0.summary))" } ?? "done"
        state.log.append("\(step): \(text)")
    }

    /// Every host the plan starts the new release on (the old release runs on the same hosts).
    private var allHosts: [String] {
        unique(
            state.steps.flatMap { step -> [String] in
                if case .start(let hosts) = step { return hosts }
                return []
            })
    }

    private func unique(_ hosts: [String]) -> [String] {
        var seen = Set<String>()
        return hosts.filter { seen.insert($0).inserted }
    }
}

/// What the controller is told.
public enum RolloutInput: Sendable, Equatable {
    /// Start the rollout.
    case begin
    /// The action with this id ended well.
    case succeeded(Int)
    /// The action with this id failed, with why (health-check output, the target's last log lines).
    case failed(Int, reason: String)
    /// The analysis with this id ended without deciding (too little traffic to judge; or the canary
    /// was worse and the environment says `on-fail: pause`): the rollout holds at this step until
    /// promoted (next step) or aborted.
    case hold(Int, reason: String)
    /// A `wake(at:)` time came.
    case tick
    /// `gaara rollout pause`: hold before the next step.
    case pause
    /// `gaara rollout resume`.
    case resume
    /// `gaara rollout promote [--full]`: end the current pause (and with `full`, skip the remaining pauses
    /// and partial weights).
    case promote(full: Bool)
    /// `gaara rollout abort`, or a failed check: traffic back to the old release at once.
    case abort(reason: String)
    /// The controller restarted with the persisted state.
    case recovered
}

/// What the controller asks for.
public enum RolloutAction: Sendable, Equatable {
    /// What to do to targets and the router.
    public enum Kind: Sendable, Equatable, Codable {
        /// Start the new release on these hosts (or adopt it where it already runs).
        case start(hosts: [String])
        /// Wait until the new release is healthy on these hosts.
        case awaitHealthy(hosts: [String])
        /// Check after a restart that the new release is healthy on these hosts.
        case verify(hosts: [String])
        /// Run the smoke tests against the new release.
        case smokeTest
        /// Route this percentage to the new release, the rest to the old one.
        case route(weight: Int)
        /// Drain and stop the old release on these hosts.
        case stopOld(hosts: [String])
        /// Drain and stop the new release on these hosts (aborting).
        case stopNew(hosts: [String])
        /// Start the old release again on these hosts (aborting after it was stopped there).
        case startOld(hosts: [String])
        /// Judge the new release against the old one for up to this many seconds (nil: until
        /// promoted); report success (no worse), failure (worse) or ``RolloutInput/hold(_:reason:)``.
        case analyze(seconds: Double?)
        /// Watch the new release with all the traffic for this many seconds: report success when the
        /// time is up, failure when a health check or the error rate fails.
        case bake(seconds: Double)

        /// The case's name, for the undo actions that failed.
        var undoName: String {
            switch self {
            case .route: "route"
            case .stopNew: "stopNew"
            case .startOld: "startOld"
            default: "other"
            }
        }

        /// `start on web-1`, `route 25%`.
        public var summary: String {
            switch self {
            case .start(let hosts): "start on \(hosts.joined(separator: ", "))"
            case .awaitHealthy(let hosts): "health checks on \(hosts.joined(separator: ", "))"
            case .verify(let hosts): "health re-check on \(hosts.joined(separator: ", "))"
            case .smokeTest: "smoke tests"
            case .route(let weight): "route \(weight)%"
            case .stopOld(let hosts): "stop the old release on \(hosts.joined(separator: ", "))"
            case .stopNew(let hosts): "stop the new release on \(hosts.joined(separator: ", "))"
            case .startOld(let hosts): "start the old release again on \(hosts.joined(separator: ", "))"
            case .analyze(let seconds): seconds.map { "analysis for up to \(RolloutPlan.duration($0))" } ?? "analysis until promoted"
            case .bake(let seconds): "bake \(RolloutPlan.duration(seconds)) (health and error rate watched)"
            }
        }
    }

    /// How a rollout ended.
    public enum Outcome: Sendable, Equatable {
        /// The new release serves all traffic; warnings name leftovers (an old release that would not stop).
        case succeeded(warnings: [String])
        /// The old release serves traffic again.
        case aborted(reason: String)
    }

    /// Perform an action and report its end with its id.
    case perform(id: Int, Kind)
    /// Send `tick` at this time.
    case wake(at: Date)
    /// The rollout is over.
    case finished(Outcome)
}
