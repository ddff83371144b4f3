import Foundation
import GaaraEngine
import GaaraExpressions
import GaaraProcess
import GaaraWorkflow

extension JobExecution {
    /// Runs one step (of the job or of a composite action) and records it in `scope`.
    func runStep(_ step: Step, scope: inout StepScope) async -> StepResult {
        switch beginStep(step, scope: scope) {
        case .skipped(let result):
            record(result, in: &scope)
            observer.handle(.stepFinished(label, result))
            return result
        case .runs(let begun):
            return await executeStep(begun, scope: &scope)
        }
    }

    /// A step whose turn has come and whose condition let it run.
    struct BegunStep: Sendable {
        let step: Step
        let number: Int
        let id: String
        let name: String
        /// The controller's cancel generation when the step's turn came.
        let generation: Int
        /// Why the condition could not be evaluated (the step then fails).
        let conditionError: String?
    }

    /// How a step's turn begins: skipped by its condition, or run.
    enum StepStart {
        case skipped(StepResult)
        case runs(BegunStep)
    }

    /// The start of a step's turn, in the job's order: its number and id, its name, its condition.
    func beginStep(_ step: Step, scope: StepScope) -> StepStart {
        stepCounter += 1
        let number = stepCounter
        let id = step.id ?? generatedID(step, scope: scope)
        let generation = controller.generation
        if controller.isCancelled, status != .cancelled {
            status = timedOut ? .failure : .cancelled
        }
        // The context before the step's own env: for its name and condition, when they need one.
        let preContext = LazyContext { [unowned self] in
            expressionContext(files: nil, env: environment(for: step, scope: scope, files: nil, stepEnv: [:]), scope: scope)
        }
        let name = step.name.flatMap { try? preContext.string($0.template) } ?? step.displayName

        // The condition decides whether the step runs at all.
        var runs: Bool
        var conditionError: String?
        do {
            if let condition = step.condition {
                runs = try runner.evaluate(condition, in: preContext.value)
            } else {
                runs = (scope.localStatus ?? status) == .success
            }
        } catch {
            runs = false
            conditionError = "the condition '\(step.condition?.raw ?? "")' failed: \(error)"
        }
        if !runs && conditionError == nil {
            return .skipped(
                StepResult(number: number, id: id, name: name, outcome: .skipped, conclusion: .skipped, duration: 0, outputs: [:], error: nil))
        }
        return .runs(BegunStep(step: step, number: number, id: id, name: name, generation: generation, conditionError: conditionError))
    }

    /// Runs a begun step: its log, its process or action, its file commands. A foreground step's
    /// end is applied at once (job status, env, `steps` context); a background step's (`deferred`)
    /// is kept for the wait that takes it in. `announced`: its start was reported already.
    func executeStep(_ begun: BegunStep, scope: inout StepScope, deferred: BackgroundStep? = nil, announced: Bool = false) async -> StepResult {
        let (step, number, id, name) = (begun.step, begun.number, begun.id, begun.name)
        if !announced { observer.handle(.stepStarted(label, number: number, name: name)) }
        let start = Date()
        // A string, not URL.appendingPathComponent (which asks the file system whether it is a folder).
        let logPath = paths.logDirectory.path + "/\(number)_\(Self.slug(name).prefix(60)).log"
        let log: LogWriter
        do {
            log = try LogWriter(path: logPath, enabled: configuration.writesStepLogs)
        } catch {
            return endStep(
                begun, start: start, outcome: .failure, effects: nil, error: "cannot write \(logPath)", scope: &scope, deferred: deferred)
        }
        let output = StepOutputProcessor(job: label, step: number, masker: masker, log: log, observer: observer, debug: configuration.debug)
        if let conditionError = begun.conditionError {
            output.note("Error: \(conditionError)")
            output.finish()
            return endStep(begun, start: start, outcome: .failure, effects: nil, error: conditionError, scope: &scope, deferred: deferred)
        }
        if deferred != nil, controller.isStepCancelled(number) {
            output.note("Cancelled by a 'cancel' step before it started")
            output.finish()
            return endStep(begun, start: start, outcome: .cancelled, effects: nil, error: "the step was cancelled", scope: &scope, deferred: deferred)
        }

        var outcome = JobResult.success
        var effects: FileCommandEffects?
        var termination: StepTermination?
        var failure: String?
        do {
            let files = try makeFileCommandFiles(number: number, own: scope.ownFiles)
            let stepEnv = try evaluateStepEnvironment(step, scope: scope, files: files)
            let env = environment(for: step, scope: scope, files: files, stepEnv: stepEnv)
            let scopeNow = scope
            let context = LazyContext { [unowned self] in expressionContext(files: files, env: env, scope: scopeNow) }
            let timeout = try stepTimeout(step, context: context)
            var execution = StepInvocation(
                step: step, id: id, name: name, files: files, environment: env, lazyContext: context, timeout: timeout, output: output,
                generation: begun.generation)
            execution.number = number
            execution.ownFiles = scope.ownFiles
            if step.run != nil {
                termination = try await runScript(execution)
            } else {
                // Actions write into the run's folders as the runner (checkout, caches, artifacts):
                // before and after one, the folders go back to the steps' user first.
                backend.runnerDidWrite()
                termination = try await runAction(execution, scope: &scope)
                backend.runnerDidWrite()
            }
            outcome = termination!.outcome
            failure = termination!.error
            effects = try readFileCommands(files)
        } catch {
            outcome = .failure
            failure = "\(error)"
        }
        if var found = effects {
            for (name, value) in output.legacyOutputs { found.outputs[name] = value }
            for (name, value) in termination?.outputs ?? [:] { found.outputs[name] = value }
            effects = found
        }
        if let failure { output.note("Error: \(failure)") }
        output.finish()
        return endStep(begun, start: start, outcome: outcome, effects: effects, error: failure, scope: &scope, deferred: deferred)
    }

    /// Ends a step: a foreground one's file commands and end apply now; a background one's end is
    /// reported (its log and duration are done) and kept, with its file commands, for its wait.
    func endStep(
        _ begun: BegunStep, start: Date, outcome: JobResult, effects: FileCommandEffects?, error: String?, scope: inout StepScope,
        deferred: BackgroundStep?
    ) -> StepResult {
        guard let deferred else {
            if let effects { apply(effects) }
            return finishStep(
                number: begun.number, id: begun.id, name: begun.name, start: start, outcome: outcome, outputs: effects?.outputs ?? [:], error: error,
                step: begun.step, scope: &scope)
        }
        let result = StepResult(
            number: begun.number, id: begun.id, name: begun.name, outcome: outcome,
            conclusion: conclusion(of: begun.step, outcome: outcome, scope: scope), duration: Date().timeIntervalSince(start),
            outputs: effects?.outputs ?? [:], error: error)
        deferred.ending = BackgroundStep.Ending(result: result, effects: effects)
        observer.handle(.stepFinished(label, result))
        return result
    }

    /// The step's conclusion: a failure is a success when its `continue-on-error` says so.
    func conclusion(of step: Step, outcome: JobResult, scope: StepScope) -> JobResult {
        guard outcome == .failure, let continueOnError = step.continueOnError else { return outcome }
        let context = expressionContext(files: nil, env: environment(for: step, scope: scope, files: nil, stepEnv: [:]), scope: scope)
        return (try? runner.resolve(continueOnError, in: context)) == true ? .success : outcome
    }

    /// Applies `continue-on-error`, updates the job status and the `steps` context, reports the end.
    func finishStep(
        number: Int, id: String, name: String, start: Date, outcome: JobResult, outputs: [String: String], error: String?, step: Step,
        scope: inout StepScope
    ) -> StepResult {
        let concluded = conclusion(of: step, outcome: outcome, scope: scope)
        if let local = scope.localStatus {
            if concluded == .failure, local == .success { scope.localStatus = .failure }
            if outcome == .cancelled, local == .success { scope.localStatus = .cancelled }
        } else {
            if concluded == .failure, status == .success { status = .failure }
            if outcome == .cancelled, status == .success { status = .cancelled }
        }
        let result = StepResult(
            number: number, id: id, name: name, outcome: outcome, conclusion: concluded, duration: Date().timeIntervalSince(start), outputs: outputs,
            error: error)
        record(result, in: &scope)
        observer.handle(.stepFinished(label, result))
        return result
    }

    func record(_ result: StepResult, in scope: inout StepScope) {
        let entry: ExpressionValue = .object([
            ("outputs", .strings(result.outputs)), ("outcome", .string(result.outcome.rawValue)), ("conclusion", .string(result.conclusion.rawValue)),
        ])
        scope.steps.removeAll { $0.0 == result.id }
        scope.steps.append((result.id, entry))
    }

    /// GitHub's generated ids: `__run`, `__run_2`, `__actions_checkout`, `__wait`, `__parallel`.
    /// Background steps not yet taken in by a wait hold theirs already.
    func generatedID(_ step: Step, scope: StepScope) -> String {
        var base = "__run"
        if let uses = step.uses {
            base = "__" + String(uses.raw.split(separator: "@").first ?? "").map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        }
        switch step.control {
        case .wait: base = "__wait"
        case .waitAll: base = "__wait-all"
        case .cancel: base = "__cancel"
        case .parallel: base = "__parallel"
        case nil: break
        }
        var candidate = base
        var counter = 2
        while scope.steps.contains(where: { $0.0 == candidate }) || backgroundSteps.contains(where: { !$0.collected && $0.id == candidate }) {
            candidate = "\(base)_\(counter)"
            counter += 1
        }
        return candidate
    }

    /// The environment of a step: host, defaults, workflow and job `env`, `GITHUB_ENV`, a composite
    /// action's inherited `env`, then the step's own `env`; `PATH` with `GITHUB_PATH` in front.
    func environment(for step: Step?, scope: StepScope, files: JobFiles?, stepEnv: [String: String]) -> [String: String] {
        var env = fixedEnvironment
        if let files {
            env["GITHUB_ENV"] = files.envFile
            env["GITHUB_OUTPUT"] = files.outputFile
            env["GITHUB_PATH"] = files.pathFile
            env["GITHUB_STATE"] = files.stateFile
            env["GITHUB_STEP_SUMMARY"] = files.summaryFile
            env["GITHUB_ACTION"] = files.action
            if !files.actionPath.isEmpty { env["GITHUB_ACTION_PATH"] = files.actionPath }
        }
        env.merge(jobEnv.base) { $1 }
        env.merge(jobEnv.added) { $1 }
        env.merge(scope.inheritedEnvironment) { $1 }
        env.merge(stepEnv) { $1 }
        var path = env["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in configuration.toolDirectories where !path.split(separator: ":").contains(Substring(directory)) {
            path += ":" + directory
        }
        env["PATH"] = (jobEnv.addedPath + [path]).joined(separator: ":")
        return env
    }

    /// The host's environment and the runner's defaults: the part of every step's environment
    /// that stays the same through the job (see ``fixedEnvironment``).
    func makeFixedEnvironment() -> [String: String] {
        var env = configuration.baseEnvironment
        let ref = configuration.event.ref ?? ""
        let defaults: [String: String] = [
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": paths.workspace.path, "GITHUB_SHA": configuration.sha, "GITHUB_REF": ref,
            "GITHUB_REF_NAME": Contexts.refName(ref), "GITHUB_REF_TYPE": Contexts.refType(ref), "GITHUB_EVENT_NAME": configuration.event.name,
            "GITHUB_EVENT_PATH": paths.eventPath, "GITHUB_RUN_ID": configuration.runID, "GITHUB_RUN_NUMBER": String(configuration.runNumber),
            "GITHUB_RUN_ATTEMPT": String(configuration.runAttempt), "GITHUB_JOB": job.id, "GITHUB_ACTOR": configuration.actor,
            "GITHUB_TRIGGERING_ACTOR": configuration.actor,
            "GITHUB_REPOSITORY": configuration.repositoryName,
            "GITHUB_REPOSITORY_OWNER": String(configuration.repositoryName.split(separator: "/").first ?? ""),
            "GITHUB_WORKFLOW": runner.workflow.name ?? runner.workflow.path,
            "GITHUB_WORKFLOW_REF": "\(configuration.repositoryName)/\(runner.workflow.path)@\(ref)",
            "GITHUB_SERVER_URL": configuration.serverURL,
            "GITHUB_API_URL": configuration.serverURL == "https://github.com" ? "https://api.github.com" : configuration.serverURL + "/api/v3",
            "GITHUB_GRAPHQL_URL": configuration.serverURL + "/api/graphql",
            "GITHUB_HEAD_REF": configuration.event.name.hasPrefix("pull_request") ? Contexts.refName(ref) : "",
            "GITHUB_BASE_REF": configuration.event.baseRef ?? "", "RUNNER_OS": "Linux", "RUNNER_ARCH": Contexts.hostArchitecture,
            "RUNNER_NAME": "gaara", "RUNNER_ENVIRONMENT": "self-hosted", "RUNNER_TEMP": paths.temp.path, "RUNNER_TOOL_CACHE": paths.toolCache.path,
            "RUNNER_WORKSPACE": paths.workspace.deletingLastPathComponent().path,
        ]
        env.merge(defaults) { $1 }
        if configuration.debug { env["RUNNER_DEBUG"] = "1" }
        return env
    }

    func evaluateStepEnvironment(_ step: Step, scope: StepScope, files: JobFiles) throws -> [String: String] {
        guard !step.env.isEmpty else { return [:] }
        let before = environment(for: step, scope: scope, files: files, stepEnv: [:])
        let context = expressionContext(files: files, env: before, scope: scope)
        return try runner.evaluateMap(step.env, in: context).mapValues(\.coercedString)
    }

    func stepTimeout(_ step: Step, context: LazyContext) throws -> Double? {
        var seconds: Double?
        if let timeout = step.timeoutMinutes {
            switch timeout {
            case .value(let minutes): seconds = minutes * 60
            case .expression(let text): seconds = try text.template.evaluate(in: context.value).numberValue * 60
            }
        }
        // After the job timed out, cleanup steps (always()) get their own timeout only.
        if let deadline, !timedOut {
            let remaining = max(deadline.timeIntervalSinceNow, 0.001)
            seconds = min(seconds ?? remaining, remaining)
        }
        return seconds
    }

    /// The runner's file-command files. A job keeps one set and empties it after each step (plain
    /// `open`, no atomic rename or fsync: creating five files per step costs more than the step).
    /// A background step (`own`) gets a set of its own: it runs beside the job's other steps.
    func makeFileCommandFiles(number: Int, own: Bool = false) throws -> JobFiles {
        if !own, let files = fileCommandFiles { return files }
        let directory = paths.temp.path + "/_runner_file_commands" + (own ? "/step_\(number)" : "")
        try FastFile.makeDirectories(directory)
        var files = JobFiles(workspace: paths.workspace.path, eventPath: paths.eventPath)
        files.envFile = directory + "/set_env"
        files.outputFile = directory + "/set_output"
        files.pathFile = directory + "/add_path"
        files.stateFile = directory + "/save_state"
        files.summaryFile = directory + "/step_summary"
        for path in [files.envFile, files.outputFile, files.pathFile, files.stateFile, files.summaryFile] {
            try FastFile.create(path)
        }
        backend.runnerDidWrite()
        if !own { fileCommandFiles = files }
        return files
    }

    /// Reads what the step wrote to its command files (outputs, env, path, summary) and empties
    /// them; the job changes nothing until ``apply(_:)``.
    func readFileCommands(_ files: JobFiles) throws -> FileCommandEffects {
        // A file the step did not write does not exist (they are removed after each step): only
        // the ones read are removed again.
        var written: [String] = [files.stateFile]
        func read(_ path: String) -> String {
            guard let text = FastFile.read(path) else { return "" }
            written.append(path)
            return text
        }
        var effects = FileCommandEffects()
        do {
            for (name, value) in try FileCommands.parseKeyValues(read(files.outputFile)) { effects.outputs[name] = value }
        } catch {
            throw RunnerError("GITHUB_OUTPUT: \(error)")
        }
        do {
            effects.environment = try FileCommands.parseKeyValues(read(files.envFile))
        } catch {
            throw RunnerError("GITHUB_ENV: \(error)")
        }
        effects.path = FileCommands.parsePath(read(files.pathFile))
        let stepSummary = read(files.summaryFile)
        if !stepSummary.isEmpty { effects.summary = masker.mask(stepSummary) + (stepSummary.hasSuffix("\n") ? "" : "\n") }
        for path in written { FastFile.remove(path) }
        return effects
    }

    /// Applies a step's env, path and summary to the job.
    func apply(_ effects: FileCommandEffects) {
        for (name, value) in effects.environment { jobEnv.add(name, value) }
        for directory in effects.path.reversed() { jobEnv.prependPath(directory) }
        summary += effects.summary
    }

    /// Reads and applies the step's file commands; returns its outputs.
    func applyFileCommands(_ files: JobFiles, output: StepOutputProcessor) throws -> [String: String] {
        let effects = try readFileCommands(files)
        apply(effects)
        return effects.outputs
    }

    /// Runs the registered post steps, newest first.
    func runPostSteps(scope: inout StepScope) async {
        for post in postSteps.reversed() {
            stepCounter += 1
            let number = stepCounter
            let context = expressionContext(files: nil, env: environment(for: nil, scope: scope, files: nil, stepEnv: [:]), scope: scope)
            let runs: Bool
            if let syntax = try? ExpressionParser.parse(post.condition) {
                runs = (try? ExpressionEvaluator.evaluateCondition(syntax, in: context)) ?? false
            } else {
                runs = status == .success
            }
            guard runs else { continue }
            let start = Date()
            observer.handle(.stepStarted(label, number: number, name: post.name))
            let (outcome, failure): (JobResult, String?)
            do {
                let output = try makeOutput(logName: "\(number)_\(post.logName).log", step: number)
                defer { output.finish() }
                let termination = try await post.body(PostStepContext(number: number, output: output, tools: tools))
                (outcome, failure) = (termination.outcome, termination.error)
            } catch {
                (outcome, failure) = (.failure, "\(error)")
            }
            let result = StepResult(
                number: number, id: "__post_\(number)", name: post.name, outcome: outcome, conclusion: outcome,
                duration: Date().timeIntervalSince(start), outputs: [:], error: failure)
            if outcome == .failure, status == .success { status = .failure }
            observer.handle(.stepFinished(label, result))
        }
    }
}

/// Everything a step needs to run, evaluated; its expression context is made on first use.
struct StepInvocation {
    let step: Step
    let id: String
    let name: String
    let files: JobFiles
    let environment: [String: String]
    /// The step's expression context, made when something asks for it.
    let lazyContext: LazyContext
    let timeout: Double?
    let output: StepOutputProcessor
    /// The controller's cancel generation when the step started.
    var generation = Int.max
    /// The step's number in its job (0: not a numbered step).
    var number = 0
    /// Whether the step has its own script and file-command files (a background step, and the
    /// steps of a composite action that runs in the background).
    var ownFiles = false

    /// The step's expression context.
    var context: EvaluationContext { lazyContext.value }

    /// An invocation with its context made later, if at all.
    init(
        step: Step, id: String, name: String, files: JobFiles, environment: [String: String], lazyContext: LazyContext, timeout: Double?,
        output: StepOutputProcessor, generation: Int = .max
    ) {
        self.step = step
        self.id = id
        self.name = name
        self.files = files
        self.environment = environment
        self.lazyContext = lazyContext
        self.timeout = timeout
        self.output = output
        self.generation = generation
    }

    /// An invocation with its context made already.
    init(
        step: Step, id: String, name: String, files: JobFiles, environment: [String: String], context: EvaluationContext, timeout: Double?,
        output: StepOutputProcessor
    ) {
        self.init(
            step: step, id: id, name: name, files: files, environment: environment, lazyContext: LazyContext(made: context), timeout: timeout,
            output: output)
    }
}

/// An expression context made on first use. Most steps hold no expression that needs one, and
/// making it (every context turned into expression values) cost more than the rest of the step.
final class LazyContext {
    private var made: EvaluationContext?
    private let make: () -> EvaluationContext

    /// A context `make` makes when first asked for.
    init(_ make: @escaping () -> EvaluationContext) {
        self.make = make
    }

    /// A context made already.
    init(made: EvaluationContext) {
        self.made = made
        make = { made }
    }

    /// The context (made now if it was not yet).
    var value: EvaluationContext {
        if let made { return made }
        let context = make()
        made = context
        return context
    }

    /// `template` as a string: evaluated only when it holds an expression.
    func string(_ template: Template) throws(ExpressionEvaluationError) -> String {
        template.hasExpressions ? try template.evaluateString(in: value) : template.literalText
    }
}

/// What a step wrote to its file commands.
struct FileCommandEffects {
    /// `GITHUB_OUTPUT`.
    var outputs: [String: String] = [:]
    /// `GITHUB_ENV`, in order.
    var environment: [(String, String)] = []
    /// `GITHUB_PATH`, in order.
    var path: [String] = []
    /// `GITHUB_STEP_SUMMARY`, masked.
    var summary = ""
}

/// How a step's execution ended.
struct StepTermination {
    var outcome: JobResult
    var error: String?
    var outputs: [String: String] = [:]
}
