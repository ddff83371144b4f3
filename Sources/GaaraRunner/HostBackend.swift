import Foundation
import GaaraExpressions
import GaaraProcess
import Synchronization

/// Runs step processes as the runner's children on this machine (own process group, timeout), under
/// the server's ``StepIsolation`` when the run has one: bubblewrap, the steps' user, and a cgroup
/// per job that ``setUp(_:)`` creates and ``tearDown()`` kills. Container images are not its
/// business: ``DockerBackend`` wraps it for those.
final class HostBackend: StepBackend {
    private struct State {
        /// The job's cgroup under isolation (nil: none, or cgroups unavailable).
        var cgroup: String?
        /// Whether the run's folders belong to the steps' user since the runner last wrote to them.
        var handedOver = false
    }

    private let configuration: RunConfiguration
    private let state = Mutex(State())

    /// A backend for a run with `configuration` (its isolation and run directory).
    init(configuration: RunConfiguration) {
        self.configuration = configuration
    }

    /// Creates the job's cgroup when the run is isolated and cgroups are available.
    func setUp(_ job: BackendJob) async throws {
        guard let cgroups = configuration.isolation?.cgroups else { return }
        let name = "run-\(configuration.runID)-\(JobExecution.slug(job.label.id))-\(job.label.index)-\(UUID().uuidString.prefix(8))"
        let cgroup = try cgroups.create(name)
        state.withLock { $0.cgroup = cgroup }
    }

    /// Runs a script or a JavaScript action, confined when the run is isolated.
    func run(_ command: StepCommand, io: StepIO) async throws -> StepExit {
        switch command.kind {
        case .script, .javaScript: break
        case .image, .dockerfile: throw RunnerError("container steps need Docker, and this job's backend runs processes on the host only")
        }
        var process = ChildProcess.Command(
            command.executable, command.arguments, environment: command.environment, workingDirectory: command.workingDirectory)
        if let isolation = configuration.isolation {
            let runDirectory = configuration.runDirectory.path
            if !state.withLock({ $0.handedOver }) {
                try await isolation.handOver(runDirectory)
                state.withLock { $0.handedOver = true }
            }
            // Inside the sandbox a missing program is only an exit status: look for it first.
            if let missingProgram = command.missingProgram, ChildProcess.resolve(process.executable, path: process.environment["PATH"]) == nil {
                throw RunnerError(missingProgram)
            }
            process = isolation.confine(process, runDirectory: runDirectory, cgroup: state.withLock { $0.cgroup })
        }
        return try await Self.launch(process, io: io, missingProgram: command.missingProgram)
    }

    /// Notes that the run's folders must be handed to the steps' user again.
    func runnerDidWrite() {
        state.withLock { $0.handedOver = false }
    }

    /// Kills the job's cgroup: background processes a step left behind, even those that left their
    /// process group, do not outlive the job.
    func tearDown() async {
        if let cgroup = state.withLock({ $0.cgroup }) { ProcessCgroups.kill(cgroup) }
    }

    /// Nothing: the host has no containers or services.
    var jobContext: [(String, ExpressionValue)] { [] }

    /// Runs `command` as the runner's child with the step's output, timeout and cancellation (the
    /// process registers with the controller while it runs). Also used for `docker` client calls.
    static func launch(_ command: ChildProcess.Command, io: StepIO, missingProgram: String?) async throws -> StepExit {
        let output = io.output
        let controller = io.controller
        let generation = io.generation
        let step = io.step
        let termination: ChildProcess.Termination
        do {
            termination = try await ChildProcess.run(
                command, timeout: io.timeout, onStart: { controller.setProcess($0, startedAt: generation, step: step) },
                onOutput: { chunk in output.consume(chunk) })
        } catch {
            controller.setProcess(nil, step: step)
            if error.reason == "no such file or program", let missingProgram { throw RunnerError(missingProgram) }
            throw RunnerError("\(error)")
        }
        controller.setProcess(nil, step: step)
        return StepExit(status: termination.status, timedOut: termination.timedOut, wasTerminated: termination.wasTerminated)
    }
}
