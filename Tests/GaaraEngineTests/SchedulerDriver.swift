import GaaraEngine
import GaaraExpressions

/// A scripted job for ``SchedulerDriver``: its needs, its `if`, its matrix and how each instance ends.
struct ScriptedJob: Sendable, CustomStringConvertible {
    /// The job's `if` as the scheduler's caller evaluates it against the status it is given.
    enum Condition: Sendable {
        /// The default `success()`.
        case success
        /// `always()`.
        case always
        /// `failure()`.
        case failure
        /// `cancelled()`.
        case cancelled
        /// An `if` that is false whatever the status.
        case never

        func holds(_ status: JobStatus) -> Bool {
            switch self {
            case .success: status == .success
            case .always: true
            case .failure: status == .failure
            case .cancelled: status == .cancelled
            case .never: false
            }
        }
    }

    let id: String
    var needs: [String] = []
    var condition = Condition.success
    /// How each matrix instance ends when it is let run to its end; nil makes preparing fail.
    var results: [JobResult]? = [.success]
    var failFast = true
    var maxParallel: Int?

    var description: String { id }
}

/// Runs a ``RunScheduler`` to its end as a caller would: it evaluates each job's `if` against the
/// status the scheduler gives, finishes started instances in the order they started with their
/// scripted result (a cancelled one as `cancelled`), and records every action it was told.
struct SchedulerDriver {
    private(set) var scheduler: RunScheduler
    /// Every action, as `prepare b failure`, `start b[0]`, `cancel b[1]`, `finish success`.
    private(set) var trace: [String] = []
    /// The largest number of instances running at once.
    private(set) var peakRunning = 0
    /// The run's result once it finished.
    private(set) var finished: JobResult?
    private var running: [InstanceKey] = []
    private var cancelled: Set<InstanceKey> = []
    private let jobs: [String: ScriptedJob]

    init(_ jobs: [ScriptedJob], maxParallel: Int = 100) {
        scheduler = RunScheduler(jobs: jobs.map { (id: $0.id, needs: $0.needs) }, maxParallel: maxParallel)
        self.jobs = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0) })
    }

    /// Starts the run and lets it go on until nothing runs; `cancelAfter` cancels the run once that
    /// many instances have finished.
    mutating func run(cancelAfter: Int? = nil) {
        var finishedInstances = 0
        perform(scheduler.start())
        while !running.isEmpty {
            if finishedInstances == cancelAfter { perform(scheduler.cancelRun()) }
            guard !running.isEmpty else { break }
            let key = running.removeFirst()
            let scripted = jobs[key.job]?.results?[key.index] ?? .success
            finishedInstances += 1
            perform(scheduler.instanceFinished(key, result: cancelled.contains(key) ? .cancelled : scripted))
        }
    }

    /// The result of each job, `-` for one that never finished.
    var results: [String: String] {
        Dictionary(uniqueKeysWithValues: jobs.keys.map { ($0, scheduler.result(of: $0)?.rawValue ?? "-") })
    }

    /// The status each prepared job was given, in the order they were prepared.
    var prepared: [String] {
        trace.filter { $0.hasPrefix("prepare ") }.map { String($0.dropFirst("prepare ".count)) }
    }

    /// The instances started, in order.
    var started: [String] {
        trace.filter { $0.hasPrefix("start ") }.map { String($0.dropFirst("start ".count)) }
    }

    private mutating func perform(_ actions: [RunScheduler.Action]) {
        var queue = actions
        while !queue.isEmpty {
            let action = queue.removeFirst()
            switch action {
            case .prepare(let job, let status):
                trace.append("prepare \(job) \(status.rawValue)")
                guard let scripted = jobs[job] else { continue }
                if !scripted.condition.holds(status) {
                    queue += scheduler.jobSkipped(job)
                } else if let results = scripted.results {
                    queue += scheduler.jobExpanded(job, instances: results.count, failFast: scripted.failFast, maxParallel: scripted.maxParallel)
                } else {
                    queue += scheduler.jobFailed(job)
                }
            case .start(let key):
                trace.append("start \(key)")
                running.append(key)
                peakRunning = max(peakRunning, running.count)
            case .cancel(let key):
                trace.append("cancel \(key)")
                cancelled.insert(key)
            case .finish(let result):
                trace.append("finish \(result.rawValue)")
                finished = result
            }
        }
    }
}
