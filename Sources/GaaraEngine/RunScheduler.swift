import GaaraExpressions

/// How a job (or one matrix instance of it) ended.
public enum JobResult: String, Sendable, Codable, CaseIterable {
    case success, failure, cancelled, skipped
}

/// One runnable instance of a job: the job id and its matrix index (0 without a matrix).
public struct InstanceKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The job id.
    public let job: String
    /// The matrix combination index.
    public let index: Int

    /// Creates a key.
    public init(job: String, index: Int) {
        self.job = job
        self.index = index
    }

    /// Orders by job id, then index.
    public static func < (lhs: InstanceKey, rhs: InstanceKey) -> Bool {
        (lhs.job, lhs.index) < (rhs.job, rhs.index)
    }

    /// `job` or `job[index]`.
    public var description: String { "\(job)[\(index)]" }
}

/// The job graph as a state machine: it says which job to prepare, which instance to start or
/// cancel, and when the run is over; the caller does the work and reports back.
///
/// A job is prepared the moment all its needs are done (there are no stage barriers). Preparing
/// means evaluating its `if` with the given status and expanding its matrix; the caller then calls
/// ``jobSkipped(_:)``, ``jobExpanded(_:instances:failFast:maxParallel:)`` or ``jobFailed(_:)``.
/// Instances start in workflow order while fewer than `maxParallel` run in all and fewer than the
/// job's own `max-parallel` run for that job. A failed instance of a fail-fast matrix cancels its
/// siblings. ``cancelRun()`` cancels everything running; jobs still waiting are prepared with the
/// `cancelled` status, so only `always()` or `cancelled()` jobs run after it.
public struct RunScheduler: Sendable {
    /// What the caller must do next.
    public enum Action: Sendable, Equatable {
        /// Evaluate the job's `if` (with this status) and its matrix, then report back.
        case prepare(job: String, status: JobStatus)
        /// Start an instance.
        case start(InstanceKey)
        /// Cancel a running instance.
        case cancel(InstanceKey)
        /// Every job is done; the run's result.
        case finish(JobResult)
    }

    enum Phase: Sendable, Equatable {
        case waiting
        case preparing
        case running
        case done(JobResult)
    }

    struct JobState: Sendable {
        let id: String
        let needs: [String]
        var phase: Phase = .waiting
        var failFast = true
        var maxParallel = Int.max
        var pending: [Int] = []
        var running: Set<Int> = []
        var results: [Int: JobResult] = [:]
    }

    private var jobs: [JobState]
    private var position: [String: Int]
    private let maxParallel: Int
    private var runningCount = 0
    /// True once the run was cancelled.
    public private(set) var isCancelled = false
    private var finished = false

    /// Creates a scheduler for jobs in workflow order; `maxParallel` bounds running instances.
    public init(jobs: [(id: String, needs: [String])], maxParallel: Int) {
        self.jobs = jobs.map { JobState(id: $0.id, needs: $0.needs) }
        position = Dictionary(jobs.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.maxParallel = max(1, maxParallel)
    }

    /// The result of a finished job, nil while it is not done.
    public func result(of job: String) -> JobResult? {
        guard let index = position[job], case .done(let result) = jobs[index].phase else { return nil }
        return result
    }

    /// The results of a job's finished instances.
    public func instanceResults(of job: String) -> [Int: JobResult] {
        position[job].map { jobs[$0].results } ?? [:]
    }

    /// Starts the run: prepares every job without needs.
    public mutating func start() -> [Action] {
        advance()
    }

    /// The job's `if` was false (or it could not run): it is skipped.
    public mutating func jobSkipped(_ job: String) -> [Action] {
        guard let index = position[job], jobs[index].phase == .preparing else { return [] }
        jobs[index].phase = .done(.skipped)
        return advance()
    }

    /// The job could not be prepared (a bad matrix or expression): it failed.
    public mutating func jobFailed(_ job: String) -> [Action] {
        guard let index = position[job], jobs[index].phase == .preparing else { return [] }
        jobs[index].phase = .done(.failure)
        return advance()
    }

    /// The job runs as `instances` instances.
    public mutating func jobExpanded(_ job: String, instances: Int, failFast: Bool, maxParallel: Int?) -> [Action] {
        guard let index = position[job], jobs[index].phase == .preparing else { return [] }
        guard instances > 0 else {
            jobs[index].phase = .done(.failure)
            return advance()
        }
        jobs[index].phase = .running
        jobs[index].failFast = failFast
        jobs[index].maxParallel = max(1, maxParallel ?? Int.max)
        jobs[index].pending = Array(0..<instances)
        if isCancelled {
            // Prepared after a cancellation (an always() job): it still runs.
        }
        return advance()
    }

    /// An instance finished with `result` (its conclusion, after `continue-on-error`).
    public mutating func instanceFinished(_ key: InstanceKey, result: JobResult) -> [Action] {
        guard let index = position[key.job], jobs[index].running.remove(key.index) != nil else { return [] }
        runningCount -= 1
        jobs[index].results[key.index] = result
        var actions: [Action] = []
        if result == .failure, jobs[index].failFast, !isCancelled {
            for sibling in jobs[index].pending { jobs[index].results[sibling] = .cancelled }
            jobs[index].pending = []
            actions += jobs[index].running.sorted().map { .cancel(InstanceKey(job: key.job, index: $0)) }
        }
        return actions + advance()
    }

    /// Cancels the run: running instances are cancelled, instances not started never start.
    public mutating func cancelRun() -> [Action] {
        guard !isCancelled, !finished else { return [] }
        isCancelled = true
        var actions: [Action] = []
        for index in jobs.indices {
            for pendingIndex in jobs[index].pending { jobs[index].results[pendingIndex] = .cancelled }
            jobs[index].pending = []
            actions += jobs[index].running.sorted().map { .cancel(InstanceKey(job: jobs[index].id, index: $0)) }
        }
        return actions + advance()
    }

    /// Settles finished jobs, prepares jobs whose needs are done and starts instances up to the limits.
    private mutating func advance() -> [Action] {
        guard !finished else { return [] }
        var actions: [Action] = []
        var changed = true
        while changed {
            changed = false
            for index in jobs.indices where jobs[index].phase == .running && jobs[index].pending.isEmpty && jobs[index].running.isEmpty {
                let results = jobs[index].results.values
                let result: JobResult =
                    results.contains(.failure) ? .failure : results.contains(.cancelled) ? .cancelled : .success
                jobs[index].phase = .done(result)
                changed = true
            }
            for index in jobs.indices where jobs[index].phase == .waiting {
                let needs = jobs[index].needs.compactMap { position[$0] }
                guard needs.allSatisfy({ if case .done = jobs[$0].phase { true } else { false } }) else { continue }
                jobs[index].phase = .preparing
                actions.append(.prepare(job: jobs[index].id, status: status(forJobAt: index)))
                changed = true
            }
        }
        for index in jobs.indices where jobs[index].phase == .running {
            while runningCount < maxParallel, jobs[index].running.count < jobs[index].maxParallel, !jobs[index].pending.isEmpty {
                let instance = jobs[index].pending.removeFirst()
                jobs[index].running.insert(instance)
                runningCount += 1
                actions.append(.start(InstanceKey(job: jobs[index].id, index: instance)))
            }
        }
        let allDone = jobs.allSatisfy { if case .done = $0.phase { true } else { false } }
        if allDone {
            finished = true
            let results = jobs.compactMap { job -> JobResult? in if case .done(let result) = job.phase { result } else { nil } }
            let runResult: JobResult = results.contains(.failure) ? .failure : (isCancelled || results.contains(.cancelled)) ? .cancelled : .success
            actions.append(.finish(runResult))
        }
        return actions
    }

    /// The status the job's `if` sees: cancelled after a cancellation, failure when any ancestor
    /// failed or was cancelled, skipped when a direct need was skipped, success otherwise.
    private func status(forJobAt index: Int) -> JobStatus {
        if isCancelled { return .cancelled }
        var seen = Set<Int>()
        var stack = jobs[index].needs.compactMap { position[$0] }
        var failed = false
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            if case .done(let result) = jobs[next].phase, result == .failure || result == .cancelled { failed = true }
            stack += jobs[next].needs.compactMap { position[$0] }
        }
        if failed { return .failure }
        let directSkipped = jobs[index].needs.compactMap { position[$0] }.contains { jobs[$0].phase == .done(.skipped) }
        return directSkipped ? .skipped : .success
    }
}
