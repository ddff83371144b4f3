import GaaraEngine
import GaaraExpressions
import GaaraProcess
import GaaraWorkflow

/// Where a job's step processes run: on this machine (``HostBackend``), in Docker containers
/// (``DockerBackend``), or nowhere at all (``RecordingBackend``, for tests).
///
/// The job (``JobExecution``) decides everything about a step — whether it runs, its environment,
/// shell, script and working directory, its outputs and what its result does to the job — and asks
/// its backend only to run the resulting process and say how it ended. The shape follows
/// woodpecker's pipeline `Backend`: set up the job, run each step's process, tear down.
///
/// Call order, for one job instance:
/// 1. ``setUp(_:)`` once, after the job's folders exist and its `env` and timeout are evaluated,
///    before any step (this is where services and a job container start). When it throws, the job
///    fails without running steps.
/// 2. ``run(_:io:)`` once per process a step needs (a `run:` script, a JavaScript action's main or
///    `post`, a container image), one after another, only after `setUp` succeeded;
///    ``runnerDidWrite()`` in between whenever the runner wrote into the run's folders itself.
/// 3. ``tearDown()`` exactly once at the job's end — also when `setUp` threw or was never reached —
///    after the job's leftover processes were killed. It releases whatever `setUp` created.
///
/// Concurrency: the calls for one job come from that job's task and never overlap. The factory
/// (``RunConfiguration/makeBackend``) is asked for one backend per job instance, and instances of
/// different jobs run at the same time: a backend shared between jobs must guard its state.
/// Cancelling a job goes through ``StepIO/controller``: a process registers its handle there, and
/// a backend whose processes live elsewhere (a container) stops them itself when `run` sees the
/// job cancelled or timed out.
protocol StepBackend: Sendable {
    /// Prepares the job (a cgroup, a network, services, a job container).
    func setUp(_ job: BackendJob) async throws
    /// Runs one process of a step, its output going to `io.output`, and returns how it ended.
    /// Throws when the process cannot start (a missing program, an image that cannot be built).
    func run(_ command: StepCommand, io: StepIO) async throws -> StepExit
    /// The runner wrote into the run's folders as itself (checkout, caches, command files): a
    /// backend that hands them to another user does so again before its next process.
    func runnerDidWrite()
    /// Releases what the job set up (kills its cgroup, removes its containers). Never throws.
    func tearDown() async
    /// The `container` and `services` entries of the `job` context.
    var jobContext: [(String, ExpressionValue)] { get }
}

/// What ``StepBackend/setUp(_:)`` is told about the job it prepares.
struct BackendJob {
    /// The job as the workflow declares it (`container`, `services`).
    let job: Job
    /// The instance's label.
    let label: JobLabel
    /// The instance's folders.
    let paths: JobPaths
    /// The job-level expression context (container and service definitions are evaluated in it).
    let context: EvaluationContext
}

/// What a backend is made from: the run's settings, and the masker and observer its notes go
/// through.
struct BackendSettings: Sendable {
    /// The run's configuration.
    let configuration: RunConfiguration
    /// The run's secret masker (registry passwords are added to it).
    let masker: SecretMasker
    /// Where runner notes (services starting, images pulled) go.
    let observer: any RunObserver
}

/// Makes the backend of one job instance.
typealias StepBackendFactory = @Sendable (BackendSettings) -> any StepBackend

/// One process a step asks its backend to run, fully evaluated.
struct StepCommand: Sendable, Equatable {
    /// What kind of process this is; it decides where a backend runs it.
    enum Kind: Sendable, Equatable {
        /// A `run:` step's shell on its script file (in the job container when the job has one).
        case script
        /// A JavaScript action's `main` or `post`, with node, on the host.
        case javaScript
        /// A container from the image `executable` (`docker://`, a Docker action); `entrypoint`
        /// replaces the image's.
        case image(entrypoint: String?)
        /// A Docker action whose image is first built from the Dockerfile at `executable`.
        case dockerfile(entrypoint: String?)
    }

    /// What kind of process this is.
    var kind: Kind
    /// The program (the shell, `node`), the image, or the Dockerfile's path.
    var executable: String
    /// Its arguments (the image's arguments for containers).
    var arguments: [String]
    /// The step's environment. For containers the backend picks from it what the container gets.
    var environment: [String: String]
    /// Variables an action sets for its container itself (`INPUT_*`, a Docker action's `env`).
    var actionEnvironment: [String: String] = [:]
    /// The working directory.
    var workingDirectory: String?
    /// A `run:` step's script text (also written to the file its arguments name).
    var script: String?
    /// Directories added with `GITHUB_PATH`, newest first: a container's `PATH` is made of these and
    /// its own directories, not of the host's `PATH`.
    var addedPath: [String] = []
    /// What to tell the user when the program is missing (nil: the plain error).
    var missingProgram: String?
}

/// Where a step process's output goes and what may stop it.
struct StepIO: Sendable {
    /// Turns the output into log lines, workflow commands and masked observer lines.
    let output: StepOutputProcessor
    /// Seconds before the process is stopped (nil: no limit).
    let timeout: Double?
    /// The job's controller: a started process registers its handle so that a cancel stops it.
    let controller: InstanceController
    /// The controller's cancel generation when the step started.
    let generation: Int
    /// The step's number in its job: concurrent (background) steps register their processes apart.
    var step = 0
}

/// How a step process ended.
struct StepExit: Sendable, Equatable {
    /// Its exit status.
    var status: ExitStatus
    /// Whether it was stopped because its timeout passed.
    var timedOut = false
    /// Whether it was stopped by the runner (cancel or timeout) rather than ending by itself.
    var wasTerminated = false
}

extension RunConfiguration {
    /// The backend of one job instance: ``makeBackend`` when set, else the standard one (Docker for
    /// what asks for it, the host for the rest). The one place a backend is chosen.
    func backend(masker: SecretMasker, observer: any RunObserver) -> any StepBackend {
        let settings = BackendSettings(configuration: self, masker: masker, observer: observer)
        if let makeBackend { return makeBackend(settings) }
        return DockerBackend(settings: settings, host: HostBackend(configuration: self))
    }
}
