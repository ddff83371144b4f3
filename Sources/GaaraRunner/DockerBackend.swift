import GaaraExpressions
import Synchronization

/// Runs a job's steps with Docker where they ask for it: the network, services and job container at
/// ``setUp(_:)``, `run:` scripts inside the job container (`docker exec`), and a container per
/// `docker://` or Docker action step (`docker run`, Dockerfiles built first). Everything else —
/// JavaScript actions, and scripts of a job without a container — goes to the ``HostBackend`` it
/// wraps. A job without containers touches Docker only when a step asks for an image, and then
/// checks first that an engine answers.
final class DockerBackend: StepBackend {
    private struct State {
        /// The job being run (known from `setUp`).
        var label: JobLabel?
        var paths: JobPaths?
        /// The job's Docker side: started at `setUp` for a job with containers, on first use for
        /// image steps.
        var session: DockerJobSession?
    }

    private let settings: BackendSettings
    private let host: HostBackend
    private let state = Mutex(State())

    /// A backend with `settings`, running what needs no Docker on `host`.
    init(settings: BackendSettings, host: HostBackend) {
        self.settings = settings
        self.host = host
    }

    /// Sets up the host side, then the network, services and job container when the job has any.
    func setUp(_ job: BackendJob) async throws {
        state.withLock {
            $0.label = job.label
            $0.paths = job.paths
        }
        try await host.setUp(job)
        guard job.job.container != nil || !job.job.services.isEmpty else { return }
        // A session that fails to start removes what it started itself.
        let session = try await DockerJobSession.start(job: job.job, context: job.context, settings: settings, label: job.label, paths: job.paths)
        state.withLock { $0.session = session }
    }

    /// Runs a script in the job container when there is one, an image in its own container, and
    /// anything else on the host.
    func run(_ command: StepCommand, io: StepIO) async throws -> StepExit {
        switch command.kind {
        case .script:
            guard let session = state.withLock({ $0.session }), session.hasJobContainer else { return try await host.run(command, io: io) }
            return try await session.exec(
                [command.executable] + command.arguments, environment: command.environment, workingDirectory: command.workingDirectory ?? "",
                addedPath: command.addedPath, io: io)
        case .javaScript:
            return try await host.run(command, io: io)
        case .image(let entrypoint):
            let session = try await actionSession()
            return try await session.runImage(command.executable, entrypoint: entrypoint, command: command, io: io)
        case .dockerfile(let entrypoint):
            let session = try await actionSession()
            let image = try await session.build(command.executable, environment: command.environment, io: io)
            return try await session.runImage(image, entrypoint: entrypoint, command: command, io: io)
        }
    }

    /// Passes the news on to the host side.
    func runnerDidWrite() {
        host.runnerDidWrite()
    }

    /// Kills the host side's cgroup, then removes the containers and the network.
    func tearDown() async {
        await host.tearDown()
        if let session = state.withLock({ $0.session }) { await session.stop() }
    }

    /// `job.container` and `job.services` of a job with containers.
    var jobContext: [(String, ExpressionValue)] {
        state.withLock { $0.session }?.contextPairs() ?? []
    }

    /// The job's session, made on first use for image steps (after checking that an engine answers).
    private func actionSession() async throws -> DockerJobSession {
        let (existing, label, paths) = state.withLock { ($0.session, $0.label, $0.paths) }
        if let existing { return existing }
        guard let label, let paths else { throw RunnerError("the Docker backend ran a step before the job was set up") }
        try await DockerJobSession.ensureEngine(settings.configuration.baseEnvironment)
        let session = DockerJobSession(settings: settings, label: label, paths: paths)
        state.withLock { $0.session = session }
        return session
    }
}
