import GaaraProcess
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Lets the scheduler cancel one running job instance: it marks the instance cancelled and stops
/// the processes of the steps that are running (one, or several with background steps). A
/// `cancel:` step stops one step's process the same way.
final class InstanceController: Sendable {
    private struct State {
        var cancelled = false
        var generation = 0
        /// The running steps' processes, by step number.
        var processes: [Int: ChildProcess.Handle] = [:]
        /// Steps a `cancel:` step stopped (their processes, running or yet to start).
        var cancelledSteps: Set<Int> = []
        var groups: [pid_t] = []
    }

    private let state = Mutex(State())
    let grace: Double

    init(grace: Double) {
        self.grace = grace
    }

    /// True once cancelled.
    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Cancels the instance: each running step's process group gets SIGTERM, then SIGKILL.
    func cancel() {
        let processes = state.withLock { state -> [ChildProcess.Handle] in
            state.cancelled = true
            state.generation += 1
            return Array(state.processes.values)
        }
        for process in processes { process.terminate(grace: grace) }
    }

    /// Stops one step (a `cancel:` step's target): its process now, or the one it starts later.
    func cancelStep(_ step: Int) {
        let process = state.withLock { state -> ChildProcess.Handle? in
            state.cancelledSteps.insert(step)
            return state.processes[step]
        }
        process?.terminate(grace: grace)
    }

    /// Whether a `cancel:` step stopped `step`.
    func isStepCancelled(_ step: Int) -> Bool { state.withLock { $0.cancelledSteps.contains(step) } }

    /// Kills what is left of every step's process group (the job's orphans), at the end of the job.
    func killLeftovers() {
        ChildProcess.killGroups(state.withLock { $0.groups })
    }

    /// How many times the instance was cancelled; a step notes it when it starts.
    var generation: Int { state.withLock { $0.generation } }

    /// Records the process of a running step (nil when it ended). A process whose step started
    /// before a cancellation that came while it was being spawned is stopped at once, as is one of
    /// a step a `cancel:` step stopped; steps that start after a cancellation (`always()` ones) run.
    func setProcess(_ handle: ChildProcess.Handle?, startedAt generation: Int = .max, step: Int = 0) {
        let stale = state.withLock { state -> Bool in
            state.processes[step] = handle
            if let handle { state.groups.append(handle.pid) }
            return handle != nil && (state.generation > generation || state.cancelledSteps.contains(step))
        }
        if stale { handle?.terminate(grace: grace) }
    }
}
