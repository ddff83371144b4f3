import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraWorkflow
import Synchronization

/// Runs one workflow: drives the ``RunScheduler``, prepares jobs (their `if`, matrix and names)
/// and runs job instances in parallel on the host.
public final class WorkflowRunner: Sendable {
    /// The result of a workflow run.
    public struct Outcome: Sendable {
        /// The run's result.
        public let result: JobResult
        /// Each job's result.
        public let jobs: [String: JobResult]
        /// Each job's outputs (merged over matrix instances).
        public let outputs: [String: [String: String]]
    }

    let workflow: Workflow
    let configuration: RunConfiguration
    let observer: any RunObserver
    let masker: SecretMasker
    /// Prefix of job ids inside a reusable workflow (`caller/`).
    let idPrefix: String
    /// The `inputs` context (dispatch or reusable-workflow inputs).
    let inputs: ExpressionValue
    /// The `secrets` context.
    let secrets: ExpressionValue
    let limiter: JobLimiter
    let groups: ConcurrencyGroups
    private let cancelSignal = CancelSignal()

    /// Creates a runner for `workflow`. Runners given the same `slots` share its bound on running jobs.
    public convenience init(
        workflow: Workflow, configuration: RunConfiguration, observer: any RunObserver, masker: SecretMasker? = nil, slots: JobLimiter? = nil,
        groups: ConcurrencyGroups? = nil
    ) {
        let masker = masker ?? SecretMasker(Array(configuration.secrets.values))
        let inputs = Self.dispatchInputs(workflow, configuration.inputs)
        self.init(
            workflow: workflow, configuration: configuration, observer: observer, masker: masker, idPrefix: "", inputs: inputs,
            secrets: .strings(configuration.secrets.merging(["GITHUB_TOKEN": configuration.secrets["GITHUB_TOKEN"] ?? ""]) { $1 }),
            limiter: slots ?? JobLimiter(limit: configuration.maxParallelJobs), groups: groups ?? ConcurrencyGroups())
    }

    init(
        workflow: Workflow, configuration: RunConfiguration, observer: any RunObserver, masker: SecretMasker, idPrefix: String,
        inputs: ExpressionValue, secrets: ExpressionValue, limiter: JobLimiter, groups: ConcurrencyGroups
    ) {
        self.workflow = workflow
        self.configuration = configuration
        self.observer = MaskingObserver.wrapping(observer, masker: masker)
        self.masker = masker
        self.idPrefix = idPrefix
        self.inputs = inputs
        self.secrets = secrets
        self.limiter = limiter
        self.groups = groups
    }

    /// Asks the run to stop: running steps get SIGTERM (SIGKILL after the grace period), then
    /// `always()` and `cancelled()` steps and jobs still run.
    public func cancel() {
        cancelSignal.fire()
    }

    /// `workflow_dispatch` inputs typed by their declarations, with defaults.
    static func dispatchInputs(_ workflow: Workflow, _ given: [String: String]) -> ExpressionValue {
        var pairs: [(String, ExpressionValue)] = []
        let declared = workflow.triggers["workflow_dispatch"]?.inputs ?? []
        for input in declared {
            let raw = given[input.name] ?? input.defaultValue?.raw
            guard let raw else {
                pairs.append((input.name, input.type == .boolean ? .bool(false) : .string("")))
                continue
            }
            switch input.type {
            case .boolean: pairs.append((input.name, .bool(raw.lowercased() == "true")))
            case .number: pairs.append((input.name, .number(Double(raw) ?? .nan)))
            default: pairs.append((input.name, .string(raw)))
            }
        }
        for (name, value) in given where !declared.contains(where: { $0.name == name }) {
            pairs.append((name, .string(value)))
        }
        return .object(pairs)
    }

    /// The jobs to run: all, or the selected ones with everything they need.
    func selectedJobs() -> [Job] {
        guard let only = configuration.onlyJobs, idPrefix.isEmpty else { return workflow.jobs }
        var keep = Set<String>()
        var stack = Array(only)
        while let id = stack.popLast() {
            guard keep.insert(id).inserted, let job = workflow.job(id) else { continue }
            stack += job.needs.map(\.id)
        }
        return workflow.jobs.filter { keep.contains($0.id) }
    }

    /// This run's place in time among concurrency-group holders: its numeric id (server run ids
    /// and `gaara run`'s clock-based ids both grow).
    private var runOrder: Int { Int(configuration.runID) ?? 0 }

    /// Runs the workflow to the end and returns its outcome.
    public func run() async -> Outcome {
        let start = Date()
        if idPrefix.isEmpty {
            observer.handle(
                .runStarted(
                    workflow: workflow.name ?? workflow.path, path: workflow.path, runID: configuration.runID,
                    directory: configuration.runDirectory.path))
        }
        var workflowGroup: (String, Int)?
        if let concurrency = workflow.concurrency {
            let context = EvaluationContext(contexts: [
                "github": Contexts.github(
                    configuration, workflowName: workflow.name ?? workflow.path, workflowPath: workflow.path, job: "", files: nil), "inputs": inputs,
                "vars": .strings(configuration.variables),
            ])
            if let name = try? concurrency.group.template.evaluateString(in: context) {
                let cancelInProgress = ((try? concurrency.cancelInProgress.map { try resolve($0, in: context) }) ?? nil) ?? false
                if let id = await groups.acquire(
                    "workflow:" + name, order: .init(run: runOrder, sequence: 0), cancelInProgress: cancelInProgress,
                    cancel: { [weak self] in self?.cancel() }
                ) {
                    workflowGroup = ("workflow:" + name, id)
                } else {
                    cancel()
                }
            }
        }
        let jobs = selectedJobs()
        let state = RunState(jobs: jobs)
        var scheduler = RunScheduler(jobs: jobs.map { ($0.id, $0.needs.map(\.id)) }, maxParallel: Int.max)
        var finalResult = JobResult.success
        await withTaskGroup(of: Completion.self) { group in
            group.addTask { [cancelSignal] in
                await cancelSignal.wait()
                return .cancelRequested
            }
            var queue = scheduler.start()
            var starts = 0
            var finished = false
            while !finished {
                while !queue.isEmpty {
                    let action = queue.removeFirst()
                    switch action {
                    case .prepare(let jobID, let status):
                        queue += prepare(jobID, status: status, state: state, scheduler: &scheduler)
                    case .start(let key):
                        let controller = InstanceController(grace: configuration.killGrace)
                        state.setController(controller, for: key)
                        starts += 1
                        let order = ConcurrencyGroups.Order(run: runOrder, sequence: starts)
                        group.addTask { [self] in
                            .instance(key, await runInstance(key, state: state, controller: controller, order: order))
                        }
                    case .cancel(let key):
                        state.controller(for: key)?.cancel()
                    case .finish(let result):
                        finalResult = result
                        finished = true
                    }
                }
                if finished { break }
                guard let completion = await group.next() else { break }
                switch completion {
                case .instance(let key, let result):
                    queue += scheduler.instanceFinished(key, result: result)
                case .cancelRequested:
                    queue += scheduler.cancelRun()
                }
            }
            cancelSignal.fire()
            group.cancelAll()
        }
        if let (name, id) = workflowGroup { await groups.release(name, id: id) }
        let results = Dictionary(uniqueKeysWithValues: jobs.compactMap { job in scheduler.result(of: job.id).map { (job.id, $0) } })
        if idPrefix.isEmpty {
            observer.handle(.runFinished(workflow: workflow.name ?? workflow.path, result: finalResult, duration: Date().timeIntervalSince(start)))
        }
        return Outcome(result: finalResult, jobs: results, outputs: state.allOutputs())
    }

    enum Completion: Sendable {
        case instance(InstanceKey, JobResult)
        case cancelRequested
    }

    // MARK: Preparing jobs

    /// Evaluates the job's `if` and matrix and tells the scheduler what came out.
    func prepare(_ jobID: String, status: JobStatus, state: RunState, scheduler: inout RunScheduler) -> [RunScheduler.Action] {
        guard let job = workflow.job(jobID) else { return scheduler.jobFailed(jobID) }
        let context = jobContext(job, status: status, state: state, matrix: nil, strategy: nil)
        let label = idPrefix + jobID
        if let condition = job.condition {
            do {
                guard try evaluate(condition, in: context) else {
                    observer.handle(.jobSkipped(job: label, name: job.name?.raw ?? label, reason: "the condition '\(condition.raw)' is false"))
                    return scheduler.jobSkipped(jobID)
                }
            } catch {
                reportJobError(label, "the condition '\(condition.raw)' failed: \(error)")
                return scheduler.jobFailed(jobID)
            }
        } else if status != .success {
            let reason = status == .cancelled ? "the run was cancelled" : "a job it needs did not succeed"
            observer.handle(.jobSkipped(job: label, name: job.name?.raw ?? label, reason: reason))
            return scheduler.jobSkipped(jobID)
        }
        do {
            var combinations: [ExpressionObject?] = [nil]
            var failFast = true
            var maxParallel: Int?
            if let strategy = job.strategy {
                if let matrixNode = strategy.matrix {
                    let value = try matrixNode.evaluate(in: context)
                    combinations = try MatrixExpander.expand(value).map { $0 }
                }
                if let fast = strategy.failFast { failFast = try resolve(fast, in: context) }
                if let parallel = strategy.maxParallel {
                    switch parallel {
                    case .value(let value): maxParallel = value
                    case .expression(let text): maxParallel = Int(try text.template.evaluate(in: context).numberValue)
                    }
                }
            }
            state.setInstances(jobID, combinations: combinations, failFast: failFast, maxParallel: maxParallel)
            return scheduler.jobExpanded(jobID, instances: combinations.count, failFast: failFast, maxParallel: maxParallel)
        } catch {
            reportJobError(label, "cannot prepare the job: \(error)")
            return scheduler.jobFailed(jobID)
        }
    }

    /// Reports an error about a job as a whole: to the observer, as an annotation, and in `logs/<job>/0_job.log`.
    func reportJobError(_ label: String, _ message: String) {
        let job = JobLabel(id: label, index: 0, name: label)
        let masked = masker.mask(message)
        Array(("Error: " + masked).utf8).withUnsafeBytes { observer.output(job, step: 0, line: $0, kind: .runner) }
        observer.handle(.annotation(job, Annotation(WorkflowCommand(name: "error", properties: [:], message: masked))!))
        let directory = configuration.runDirectory.appendingPathComponent("logs/\(JobExecution.slug(label))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? ("Error: " + masked + "\n").write(to: directory.appendingPathComponent("0_job.log"), atomically: true, encoding: .utf8)
    }

    /// The evaluation context at job level (no `steps`, `env` or `runner`).
    func jobContext(_ job: Job, status: JobStatus, state: RunState, matrix: ExpressionObject?, strategy: ExpressionValue?) -> EvaluationContext {
        var contexts: [String: ExpressionValue] = [
            "github": Contexts.github(
                configuration, workflowName: workflow.name ?? workflow.path, workflowPath: workflow.path, job: job.id, files: nil),
            "needs": state.needsContext(for: job),
            "vars": .strings(configuration.variables),
            "inputs": inputs,
            "secrets": secrets,
            "matrix": matrix.map { .object($0) } ?? .object([(String, ExpressionValue)]()),
        ]
        if let strategy { contexts["strategy"] = strategy }
        return EvaluationContext(contexts: contexts, status: status)
    }

    func evaluate(_ condition: Condition, in context: EvaluationContext) throws -> Bool {
        switch condition.form {
        case .expression(let syntax): return try ExpressionEvaluator.evaluateCondition(syntax, in: context)
        case .template(let template):
            if context.status != .success { return false }
            return try template.evaluate(in: context).isTruthy
        }
    }

    func resolve(_ value: Dynamic<Bool>, in context: EvaluationContext) throws -> Bool {
        switch value {
        case .value(let flag): return flag
        case .expression(let text): return try text.template.evaluate(in: context).isTruthy
        }
    }

    /// The display name of an instance: its `name:` evaluated, else the id with the matrix values.
    func displayName(_ job: Job, matrix: ExpressionObject?, context: EvaluationContext) -> String {
        if let name = job.name, let value = try? name.template.evaluateString(in: context) {
            return idPrefix.isEmpty ? value : idPrefix + value
        }
        var name = idPrefix + job.id
        if let matrix, matrix.count > 0 {
            let values = matrix.values.map { value -> String in
                switch value {
                case .object, .array: ExpressionJSON.serialize(value, indent: false)
                default: value.coercedString
                }
            }
            name += " (" + values.joined(separator: ", ") + ")"
        }
        return name
    }
}

/// A one-shot signal tasks can wait on.
final class CancelSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var isFired: Bool { state.withLock { $0.fired } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.fired { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// Bounds how many job instances run at once across a run (reusable workflows included).
public actor JobLimiter {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Creates a limiter allowing `limit` jobs at once.
    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    func acquire() async {
        if running < limit {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
