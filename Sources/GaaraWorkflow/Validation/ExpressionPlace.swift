import GaaraExpressions

/// Where in a workflow an expression is written, which decides the contexts and special functions
/// it may use (GitHub's "Context availability" table).
public struct ExpressionPlace: Sendable {
    /// Every context name the language knows.
    public static let knownContexts: Set<String> = [
        "github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy", "matrix", "needs", "inputs",
    ]

    /// A short description used in messages, e.g. `jobs.<job_id>.if`.
    public let name: String
    /// Contexts available here.
    public let contexts: Set<String>
    /// True where `success()`, `failure()`, `cancelled()` and `always()` may be called (`if`).
    public let allowsStatusFunctions: Bool
    /// True where `hashFiles()` may be called (steps).
    public let allowsHashFiles: Bool

    init(_ name: String, _ contexts: [String], status: Bool = false, hashFiles: Bool = false) {
        self.name = name
        self.contexts = Set(contexts)
        allowsStatusFunctions = status
        allowsHashFiles = hashFiles
    }

    private static let stepContexts = ["github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "secrets", "steps", "inputs"]
    private static let jobContexts = ["github", "needs", "strategy", "matrix", "vars", "inputs"]

    static let runName = ExpressionPlace("run-name", ["github", "inputs", "vars"])
    static let workflowConcurrency = ExpressionPlace("concurrency", ["github", "inputs", "vars"])
    static let workflowEnv = ExpressionPlace("env", ["github", "secrets", "inputs", "vars"])
    static let jobConcurrency = ExpressionPlace("jobs.<job_id>.concurrency", jobContexts)
    static let jobContainer = ExpressionPlace("jobs.<job_id>.container", jobContexts)
    static let containerCredentials = ExpressionPlace("container credentials", jobContexts + ["env", "secrets"])
    static let containerEnv = ExpressionPlace("container env", jobContexts + ["job", "runner", "env", "secrets"])
    static let jobContinueOnError = ExpressionPlace("jobs.<job_id>.continue-on-error", jobContexts)
    static let jobDefaultsRun = ExpressionPlace("jobs.<job_id>.defaults.run", jobContexts + ["env"])
    static let jobEnv = ExpressionPlace("jobs.<job_id>.env", jobContexts + ["secrets"])
    static let jobEnvironment = ExpressionPlace("jobs.<job_id>.environment", jobContexts)
    static let jobEnvironmentURL = ExpressionPlace("jobs.<job_id>.environment.url", jobContexts + ["job", "runner", "env", "steps"])
    static let jobIf = ExpressionPlace("jobs.<job_id>.if", ["github", "needs", "vars", "inputs"], status: true)
    static let jobName = ExpressionPlace("jobs.<job_id>.name", jobContexts)
    static let jobOutputs = ExpressionPlace("jobs.<job_id>.outputs", stepContexts)
    static let jobRunsOn = ExpressionPlace("jobs.<job_id>.runs-on", jobContexts)
    static let jobSecrets = ExpressionPlace("jobs.<job_id>.secrets", jobContexts + ["secrets"])
    static let jobServices = ExpressionPlace("jobs.<job_id>.services", jobContexts)
    static let jobStrategy = ExpressionPlace("jobs.<job_id>.strategy", ["github", "needs", "vars", "inputs"])
    static let jobTimeout = ExpressionPlace("jobs.<job_id>.timeout-minutes", jobContexts)
    static let jobWith = ExpressionPlace("jobs.<job_id>.with", jobContexts)
    static let stepIf = ExpressionPlace(
        "jobs.<job_id>.steps.if", stepContexts.filter { $0 != "secrets" }, status: true, hashFiles: true)
    static let step = ExpressionPlace("jobs.<job_id>.steps", stepContexts, hashFiles: true)
    static let callInputDefault = ExpressionPlace("on.workflow_call.inputs.<id>.default", ["github", "inputs", "vars"])
    static let callOutputValue = ExpressionPlace("on.workflow_call.outputs.<id>.value", ["github", "jobs", "vars", "inputs"])
    static let actionStep = ExpressionPlace(
        "runs.steps", ["github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "steps", "inputs"], hashFiles: true)
    static let actionStepIf = ExpressionPlace(
        "runs.steps.if", ["github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "steps", "inputs"], status: true,
        hashFiles: true)
    static let actionInputDefault = ExpressionPlace(
        "inputs.<id>.default", ["github", "needs", "strategy", "matrix", "job", "runner", "env", "vars", "steps", "inputs"])
}
