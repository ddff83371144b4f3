import GaaraProcess
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Lets the scheduler cancel one running job instance: it marks the instance cancelled and stops
/// the process of the step that is running, if any.
final class InstanceController: Sendable {
    private struct State {
        var cancelled = false
        var generation = 0
        var process: ChildProcess.Handle?
        var groups: [pid_t] = []
    }

    private let state = Mutex(State())
    let grace: Double

    init(grace: Double) {
        self.grace = grace
    }

    /// True once cancelled.
    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Cancels the instance: the running step's process group gets SIGTERM, then SIGKILL.
    func cancel() {
        let process = state.withLock { state -> ChildProcess.Handle? in
            state.cancelled = true
            state.generation += 1
            return state.process
        }
        process?.terminate(grace: grace)
    }

    /// Kills what is left of every step's process group (the job's orphans), at the end of the job.
    func killLeftovers() {
        ChildProcess.killGroups(state.withLock { $0.groups })
    }

    /// How many times the instance was cancelled; a step notes it when it starts.
    var generation: Int { state.withLock { $0.generation } }

    /// Records the process of the running step (nil when it ended). A process whose step started
    /// before a cancellation that came while it was being spawned is stopped at once; steps that
    /// start after a cancellation (`always()` ones) run.
    func setProcess(_ handle: ChildProcess.Handle?, startedAt generation: Int = .max) {
        let stale = state.withLock { state -> Bool in
            state.process = handle
            if let handle { state.groups.append(handle.pid) }
            return handle != nil && state.generation > generation
        }
        if stale { handle?.terminate(grace: grace) }
    }
}
