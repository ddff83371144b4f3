import Foundation
import GaaraRunner
import GaaraStore
import Synchronization

/// The runs the server executes: every queued run starts at once and its jobs wait for the shared
/// ``JobLimiter`` (the server-wide bound on parallel jobs); workflow and job `concurrency` groups are
/// shared by all runs, so one runs and one waits per group, with `cancel-in-progress`.
actor RunQueue {
    private struct Active {
        let task: Task<Void, Never>
        let cancel: @Sendable () -> Void
    }

    private let executor: RunExecutor
    private var active: [Int64: Active] = [:]
    private var cancelRequested: Set<Int64> = []
    private var stopping = false

    init(executor: RunExecutor) {
        self.executor = executor
    }

    /// Starts a queued run (no-op if it already runs).
    func start(_ runID: Int64) {
        guard !stopping, active[runID] == nil else { return }
        let handle = RunHandle()
        let task = Task { [executor] in
            await executor.execute(runID, handle: handle)
            self.finished(runID)
        }
        active[runID] = Active(task: task, cancel: { handle.cancel() })
    }

    private func finished(_ runID: Int64) {
        active[runID] = nil
        cancelRequested.remove(runID)
    }

    /// Asks a run to stop; returns false when the run is not executing here.
    func cancel(_ runID: Int64) -> Bool {
        guard let run = active[runID] else { return false }
        cancelRequested.insert(runID)
        run.cancel()
        return true
    }

    /// Whether a run executes now.
    func isActive(_ runID: Int64) -> Bool { active[runID] != nil }

    /// How many runs execute now.
    var activeCount: Int { active.count }

    /// Cancels every run and waits for them to record their end (server shutdown).
    func stopAll() async {
        stopping = true
        let runs = active.values
        for run in runs { run.cancel() }
        for run in runs { await run.task.value }
    }
}

/// Lets the queue cancel a run whose ``WorkflowRunner``s are created later.
final class RunHandle: Sendable {
    private let state = Mutex<(cancelled: Bool, runners: [WorkflowRunner])>((false, []))

    /// Registers a runner; cancels it at once if the run was already cancelled.
    func add(_ runner: WorkflowRunner) {
        let cancelled = state.withLock { state -> Bool in
            state.runners.append(runner)
            return state.cancelled
        }
        if cancelled { runner.cancel() }
    }

    /// Cancels the run.
    func cancel() {
        let runners = state.withLock { state -> [WorkflowRunner] in
            state.cancelled = true
            return state.runners
        }
        for runner in runners { runner.cancel() }
    }

    /// Whether the run was cancelled.
    var isCancelled: Bool { state.withLock { $0.cancelled } }
}
