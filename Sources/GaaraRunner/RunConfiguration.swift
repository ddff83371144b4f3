import Foundation
import GaaraEngine
import GaaraExpressions

/// Everything a run needs to know about where and for what it runs.
public struct RunConfiguration: Sendable {
    /// The local repository the workflows come from (the source of `actions/checkout`).
    public var repository: URL
    /// The git repository `actions/checkout` fetches from (the project's enclosing repository when
    /// the project is a subfolder); defaults to `repository`.
    public var gitRepository: URL
    /// Where this run keeps logs, workspaces, artifacts and temporary files.
    public var runDirectory: URL
    /// Where `actions/cache` keeps entries (shared between runs).
    public var cacheDirectory: URL
    /// The event that started the run.
    public var event: TriggerEvent
    /// The commit (`GITHUB_SHA`).
    public var sha: String
    /// The commit whose tree `actions/checkout` puts in the workspace (the working tree snapshot
    /// for local runs; `sha` on the server).
    public var checkoutCommit: String
    /// `owner/name`.
    public var repositoryName: String
    /// Who triggered the run.
    public var actor: String
    /// `workflow_dispatch` inputs.
    public var inputs: [String: String]
    /// Secrets by name.
    public var secrets: [String: String]
    /// Configuration variables (`vars`).
    public var variables: [String: String]
    /// Bound on job instances running at once.
    public var maxParallelJobs: Int
    /// Run id and number.
    public var runID: String
    /// `github.run_number`.
    public var runNumber: Int
    /// `github.run_attempt` (1, then 2, ... for re-runs).
    public var runAttempt = 1
    /// Only these jobs (and what they need) run, when set.
    public var onlyJobs: Set<String>?
    /// Print `::debug::` and runner diagnostics.
    public var debug: Bool
    /// The environment every step starts from (the host's, for local runs).
    public var baseEnvironment: [String: String]
    /// `github.server_url`.
    public var serverURL: String
    /// Seconds between SIGTERM and SIGKILL when stopping a step.
    public var killGrace: Double
    /// Folders appended to every step's PATH (where the `gaara` executable lives).
    public var toolDirectories: [String]
    /// Whether each step's log is written under `runDirectory/logs` (false when the observer keeps
    /// the logs itself, as the server does: the same bytes are not written twice).
    public var writesStepLogs = true
    /// How step processes are confined (the server's sandbox); nil runs them as the runner's own
    /// children, as `gaara run` does on the user's machine.
    public var isolation: StepIsolation?
    /// Decides jobs that name an `environment:` (protection rules, approvals, the environment's
    /// secrets); nil: every environment is open and releases nothing.
    public var environments: (any EnvironmentGate)?
    /// Makes the backend each job instance runs its step processes on; nil: the standard one
    /// (``DockerBackend`` over ``HostBackend``). Tests set a ``RecordingBackend``'s factory.
    var makeBackend: StepBackendFactory?

    /// Creates a configuration with defaults for everything optional.
    public init(
        repository: URL, runDirectory: URL, cacheDirectory: URL, event: TriggerEvent, sha: String, checkoutCommit: String? = nil,
        repositoryName: String, actor: String, runID: String, runNumber: Int
    ) {
        self.repository = repository
        gitRepository = repository
        self.runDirectory = runDirectory
        self.cacheDirectory = cacheDirectory
        self.event = event
        self.sha = sha
        self.checkoutCommit = checkoutCommit ?? sha
        self.repositoryName = repositoryName
        self.actor = actor
        self.runID = runID
        self.runNumber = runNumber
        inputs = [:]
        secrets = [:]
        variables = [:]
        maxParallelJobs = max(ProcessInfo.processInfo.activeProcessorCount, 1)
        debug = false
        baseEnvironment = ProcessInfo.processInfo.environment
        serverURL = "https://github.com"
        killGrace = 2.5
        toolDirectories = []
    }
}
