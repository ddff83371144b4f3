import GaaraProcess
import Synchronization

/// Lets the scheduler cancel one running job instance: it marks the instance cancelled and stops
/// the process of the step that is running, if any.
final class InstanceController: Sendable {
    private struct State {
        var cancelled = false
        var process: ChildProcess.Handle?
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
            return state.process
        }
        process?.terminate(grace: grace)
    }

    /// Records the process of the running step (nil when it ended).
    func setProcess(_ handle: ChildProcess.Handle?) {
        let cancelled = state.withLock { state -> Bool in
            state.process = handle
            return state.cancelled
        }
        // Cancelled before this step's process existed, but a step that runs after a
        // cancellation (always()) must still be allowed to run: only stop it on a new cancel.
        _ = cancelled
    }
}
