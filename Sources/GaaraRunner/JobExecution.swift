import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraProcess
import GaaraWorkflow

/// Runs the steps of one job instance: evaluates each step (condition, env, shell, inputs), hands
/// its processes to the job's ``StepBackend``, reads its file commands and keeps the job's status.
///
/// A class because a job is one long sequence of steps that all update the same state (status,
/// environment, post steps, step counter). That state is touched by one task at a time, which is
/// why it may be `@unchecked Sendable`: the job's own task, or, in a job with background steps,
/// whichever task holds the job's ``baton`` (the job's loop or a background step's task; the
/// holder hands it on only while it waits for a process or for background steps). What other
/// parts need goes to them as values (``JobPaths``, ``JobEnvironment``, ``ActionTools``, ``StepCommand``).
final class JobExecution: @unchecked Sendable {
    let runner: WorkflowRunner
    let job: Job
    let label: JobLabel
    let matrix: ExpressionObject?
    let strategy: ExpressionValue
    let needs: ExpressionValue
    let controller: InstanceController
    var configuration: RunConfiguration { runner.configuration }
    var observer: any RunObserver { runner.observer }
    var masker: SecretMasker { runner.masker }

    /// The job's folders.
    let paths: JobPaths
    /// Where the job's step processes run (chosen by ``RunConfiguration/backend(masker:observer:)``).
    let backend: any StepBackend
    /// The job's status as the status functions see it.
    var status: JobStatus = .success
    /// Workflow and job `env`, and what steps added with `GITHUB_ENV` and `GITHUB_PATH`.
    var jobEnv = JobEnvironment()
    /// The job summary (`GITHUB_STEP_SUMMARY` of every step).
    var summary = ""
    /// Steps to run at the end of the job (`post` of actions, cache saves), in order of registration.
    var postSteps: [PostStep] = []
    /// Work done at the job's end whatever happened, after its post steps (removing credentials a
    /// built-in action left); each returns a line for the job's log, or nil.
    var cleanups: [() -> String?] = []
    var stepCounter = 0
    /// The job's file-command files, created on first use.
    var fileCommandFiles: JobFiles?
    /// The host's environment and the runner's defaults, made once per job: building them for
    /// every step cost a noticeable part of a short step.
    lazy var fixedEnvironment: [String: String] = makeFixedEnvironment()
    /// The `github` contexts made so far, by the file paths they name.
    var githubContexts: [String: ExpressionValue] = [:]
    /// Whether a program is on a PATH, by program and PATH (looking costs a `stat` per folder).
    var programsFound: [String: Bool] = [:]
    var deadline: Date?
    var timedOut = false
    /// The `secrets` context: the run's, with the environment's released over them.
    let secretsContext: ExpressionValue
    /// The `vars` context: the run's, with the environment's over them.
    let variablesContext: ExpressionValue
    /// The evaluated `environment.url`, set when the job ends.
    var environmentURL: String?
    /// The right to touch the job's state, in a job with background steps (nil: its steps run one
    /// after the other on the job's task, with nothing to hand over).
    let baton: AsyncSemaphore?
    /// GitHub's limit of background steps running at once in a job (more wait for a slot).
    let backgroundSlots = AsyncSemaphore(limit: JobExecution.backgroundLimit)
    /// At most this many background steps run at once (GitHub's documented limit).
    static let backgroundLimit = 10
    /// The background steps started so far, in order.
    var backgroundSteps: [BackgroundStep] = []

    init(
        runner: WorkflowRunner, job: Job, label: JobLabel, matrix: ExpressionObject?, strategy: ExpressionValue, needs: ExpressionValue,
        controller: InstanceController, environment: EnvironmentRelease? = nil
    ) {
        self.runner = runner
        self.job = job
        self.label = label
        self.matrix = matrix
        self.strategy = strategy
        self.needs = needs
        self.controller = controller
        let slug = Self.slug(label.id) + (label.index > 0 || matrix != nil ? "-\(label.index)" : "")
        paths = JobPaths(runDirectory: runner.configuration.runDirectory, slug: slug)
        backend = runner.configuration.backend(masker: runner.masker, observer: runner.observer)
        if let environment, !environment.secrets.isEmpty, case .object(let object) = runner.secrets {
            // A later pair replaces an earlier one with the same name: the environment's win.
            secretsContext = .object(
                object.pairs.map { ($0.key, $0.value) } + environment.secrets.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
        } else {
            secretsContext = runner.secrets
        }
        variablesContext = .strings(runner.configuration.variables.merging(environment?.variables ?? [:]) { $1 })
        baton = job.steps.contains { $0.background || $0.control != nil } ? AsyncSemaphore(limit: 1) : nil
    }

    /// What the built-in actions get from the job.
    var tools: ActionTools { ActionTools(configuration: configuration, paths: paths) }

    static func slug(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }

    /// Runs the job and returns its result and outputs.
    func run() async -> (JobResult, [String: String]) {
        let start = Date()
        observer.handle(.jobStarted(label))
        var setupError: String?
        do {
            for directory in [paths.workspace, paths.temp, paths.logDirectory] {
                try FastFile.makeDirectories(directory.path)
            }
            try prepareEnvironment()
            let context = expressionContext(files: nil, env: jobEnv.base)
            if let timeout = job.timeoutMinutes {
                let minutes: Double
                switch timeout {
                case .value(let value): minutes = value
                case .expression(let text): minutes = try text.template.evaluate(in: context).numberValue
                }
                deadline = Date().addingTimeInterval(minutes * 60)
            } else {
                deadline = Date().addingTimeInterval(360 * 60)
            }
            try await backend.setUp(BackendJob(job: job, label: label, paths: paths, context: context))
        } catch {
            setupError = "\(error)"
        }
        await baton?.acquire()
        if let setupError {
            status = .failure
            if let processor = try? makeOutput(logName: "0_set-up-job.log") {
                processor.note("Error: could not set up the job: \(setupError)")
                processor.finish()
            }
        } else {
            var scope = StepScope()
            for step in job.steps {
                await runJobStep(step, scope: &scope)
            }
            // GitHub's implicit wait-all: no background step outlives the job's steps.
            await collectRemainingBackgroundSteps(scope: &scope)
            await runPostSteps(scope: &scope)
            jobOutputsScope = scope
        }
        baton?.release()
        let cleaned = cleanups.compactMap { $0() }
        if !cleaned.isEmpty, let output = try? makeOutput(logName: "\(stepCounter + 1)_complete-job.log", debug: false) {
            for line in cleaned { output.note(line) }
            output.finish()
        }
        // Background processes a step left behind do not outlive the job: their process groups here,
        // the job's cgroup or containers in the backend.
        controller.killLeftovers()
        await backend.tearDown()
        if !summary.isEmpty {
            try? summary.write(to: paths.logDirectory.appendingPathComponent("summary.md"), atomically: true, encoding: .utf8)
        }
        let outputs = evaluateOutputs()
        if let url = job.environment?.url {
            environmentURL = try? url.template.evaluateString(in: expressionContext(files: nil, env: jobEnv.base, scope: jobOutputsScope))
        }
        var result: JobResult
        switch status {
        case .success, .skipped: result = .success
        case .failure: result = .failure
        case .cancelled: result = timedOut ? .failure : .cancelled
        }
        if result == .failure, let continueOnError = job.continueOnError {
            let context = expressionContext(files: nil, env: jobEnv.base)
            if (try? runner.resolve(continueOnError, in: context)) == true { result = .success }
        }
        observer.handle(.jobFinished(label, result: result, duration: Date().timeIntervalSince(start), outputs: outputs))
        return (result, outputs)
    }

    var jobOutputsScope = StepScope()

    /// Evaluates `outputs:`; values holding a secret are dropped, as GitHub does.
    func evaluateOutputs() -> [String: String] {
        var outputs: [String: String] = [:]
        let context = expressionContext(files: nil, env: jobEnv.base, scope: jobOutputsScope)
        for output in job.outputs {
            guard let value = try? output.value.template.evaluateString(in: context) else { continue }
            if !masker.isEmpty, masker.mask(value) != value {
                let line = "Warning: the output '\(output.name)' holds a secret and is not passed on"
                Array(line.utf8).withUnsafeBytes { observer.output(label, step: 0, line: $0, kind: .runner) }
                continue
            }
            outputs[output.name] = value
        }
        return outputs
    }

    /// Evaluates workflow `env` then job `env`.
    func prepareEnvironment() throws {
        var context = EvaluationContext(contexts: [
            "github": githubContext(files: nil), "secrets": secretsContext, "inputs": runner.inputs, "vars": variablesContext,
        ])
        var environment: [String: String] = [:]
        for (name, value) in try runner.evaluateMap(runner.workflow.env, in: context) { environment[name] = value.coercedString }
        context = expressionContext(files: nil, env: environment)
        for (name, value) in try runner.evaluateMap(job.env, in: context) { environment[name] = value.coercedString }
        jobEnv.base = environment
    }

    func githubContext(files: JobFiles?) -> ExpressionValue {
        // Made once per set of file paths: the same for every step of a job but its actions'.
        let key = files.map { [$0.workspace, $0.eventPath, $0.envFile, $0.action, $0.actionPath].joined(separator: "\u{0}") } ?? ""
        if let made = githubContexts[key] { return made }
        let made = Contexts.github(
            configuration, workflowName: runner.workflow.name ?? runner.workflow.path, workflowPath: runner.workflow.path, job: job.id,
            files: files)
        githubContexts[key] = made
        return made
    }

    /// The full step-level context.
    func expressionContext(files: JobFiles?, env: [String: String], scope: StepScope? = nil) -> EvaluationContext {
        var contexts: [String: ExpressionValue] = [
            "github": githubContext(files: files ?? JobFiles(workspace: paths.workspace.path, eventPath: paths.eventPath)),
            "env": .strings(env),
            "vars": variablesContext,
            "secrets": secretsContext,
            "inputs": scope?.inputs ?? runner.inputs,
            "matrix": matrix.map { .object($0) } ?? .object([(String, ExpressionValue)]()),
            "strategy": strategy,
            "needs": needs,
            "runner": Contexts.runner(temp: paths.temp.path, toolCache: paths.toolCache.path, debug: configuration.debug),
            "job": jobContextValue(),
            "steps": .object(scope?.steps ?? []),
        ]
        if let scope, scope.inputs == nil { contexts["inputs"] = runner.inputs }
        return EvaluationContext(contexts: contexts, status: scope?.localStatus ?? status, fileHasher: WorkspaceHasher(root: paths.workspace.path))
    }

    func jobContextValue() -> ExpressionValue {
        var pairs: [(String, ExpressionValue)] = [("status", .string(status == .success || status == .skipped ? "success" : status.rawValue))]
        pairs += backend.jobContext
        return .object(pairs)
    }

    /// A step's output processor, writing the log `logName` in the job's log folder.
    func makeOutput(logName: String, step: Int = 0, debug: Bool? = nil) throws -> StepOutputProcessor {
        let log = try LogWriter(path: paths.logDirectory.appendingPathComponent(logName).path, enabled: configuration.writesStepLogs)
        return StepOutputProcessor(job: label, step: step, masker: masker, log: log, observer: observer, debug: debug ?? configuration.debug)
    }
}

/// The state of a sequence of steps: the job's steps, or a composite action's.
struct StepScope: Sendable {
    /// `steps` context entries in order.
    var steps: [(String, ExpressionValue)] = []
    /// The `inputs` context of a composite action (nil: the workflow's).
    var inputs: ExpressionValue?
    /// `github.action_path` of a composite action.
    var actionPath: String?
    /// Environment a composite action's step passes to its nested steps.
    var inheritedEnvironment: [String: String] = [:]
    /// Prefix for generated step ids.
    var depth = 0
    /// Whether the steps have their own script and file-command files: a background step, and
    /// the steps of a composite action it runs, run beside the job's other steps.
    var ownFiles = false
    /// The status the steps' conditions and status functions see when it is not the job's: in a
    /// background step (a composite action's steps there fail it, not the job, until its wait).
    var localStatus: JobStatus?
}

/// A step registered to run at the end of the job. Its body gets only what a post step needs (its
/// own log, its number, the job's tools), not the job: the runner makes the log and reports the step.
struct PostStep {
    let name: String
    let condition: String
    /// The log's file name after the step number, e.g. `post-docker-login` for `7_post-docker-login.log`.
    let logName: String
    let body: (PostStepContext) async throws -> StepTermination
}

/// What a post step's body is given.
struct PostStepContext {
    /// The step's number in the job (its log and file-command files carry it).
    let number: Int
    /// The step's log, masked and observed; the runner finishes it.
    let output: StepOutputProcessor
    /// The job's folders and configuration, for the built-in tools.
    let tools: ActionTools
}
