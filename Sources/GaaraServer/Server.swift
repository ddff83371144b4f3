import Foundation
import GaaraAPI
import GaaraEvents
import GaaraHTTP
import GaaraProcess
import GaaraRunner
import GaaraStore
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Settings of `gaara serve`.
public struct ServerConfiguration: Sendable {
    /// Where the database, repositories, runs, logs, artifacts and caches live.
    public var dataDirectory: URL
    /// The address to listen on (loopback by default).
    public var host = "127.0.0.1"
    /// The port (0 picks a free one).
    public var port = 8080
    /// Bound on job instances running at once over all runs.
    public var maxParallelJobs = max(ProcessInfo.processInfo.activeProcessorCount, 1)
    /// Artifacts of runs finished longer ago than this are removed (days).
    public var artifactRetentionDays = 90.0
    /// Cache entries unused for longer than this are removed (days).
    public var cacheRetentionDays = 7.0
    /// A GitHub-compatible API base URL to post commit statuses to.
    public var statusAPIURL: String?
    /// The token for `statusAPIURL`.
    public var statusAPIToken: String?
    /// The `gaara` executable (for the `post-receive` hook and for steps that call `gaara gate`).
    public var executable: String
    /// Start runs that were interrupted by a crash again (as new attempts).
    public var requeueInterrupted = false
    /// Largest request body accepted (bytes).
    public var maxBodyBytes = 25 * 1024 * 1024
    /// Seconds between SIGTERM and SIGKILL when a step is stopped.
    public var killGrace = 2.5
    /// How fast each live log subscriber is fed while its run runs (bytes a second).
    public var liveLogBytesPerSecond = 2 * 1024 * 1024
    /// How fast all the live log subscribers of one run are fed together while it runs (bytes a
    /// second, shared equally): fifty watchers of a chatty step cost it no more than eight.
    public var liveLogBytesPerSecondPerRun = 16 * 1024 * 1024
    /// Log HTTP requests.
    public var verbose = false
    /// How steps are confined (see the README's security model).
    public var isolation = StepIsolationMode.sandbox
    /// The unprivileged user steps run as when the server runs as root (created when missing).
    public var stepUser = "gaara-step"
    /// How long a deployment waits for review before it fails (GitHub: 30 days).
    public var approvalTimeout: TimeInterval = 30 * 24 * 3600
    /// The clock of wait timers and approval timeouts (tests use a ``ManualClock``).
    public var clock: any DeskClock = WallClock()
    /// Seconds between alert evaluations (`gaara serve --alert-interval`).
    public var alertInterval = 15.0

    /// Creates a configuration.
    public init(dataDirectory: URL, executable: String) {
        self.dataDirectory = dataDirectory
        self.executable = executable
    }
}

/// `gaara serve`: the CI server. One process: the database, the git repositories and their hooks,
/// triggers, the run queue, the REST API with live events, webhooks, the scheduler, retention and
/// the dashboard.
///
/// `init` opens the data directory and makes the parts; ``buildApplication(onListening:services:)``
/// (the composition root) wires them into one Hummingbird application whose long-lived parts run
/// as services of one `ServiceGroup`; ``run(onListening:services:)`` runs it until SIGINT/SIGTERM.
public final class CIServer: Sendable {
    /// The settings.
    public let configuration: ServerConfiguration
    /// The lifecycle event stream (runs, jobs, gates, statuses, target health) and its consumers.
    public let events: EventBus
    /// The server's logger (`gaara.serve`).
    let logger: Logger
    /// Where deliveries to the outside are recorded (the database).
    let deliveries: StoreDeliveryLog
    let store: Store
    let git: GitHost
    let logs: StepLogs
    let notifier = RunNotifier()
    let feeds = LogFeeds()
    let streams = LiveStreams()
    /// The event loops the HTTP server runs on (see ``drainWrites()``).
    let eventLoops = EventLoopGroupProvider.singleton.eventLoopGroup
    /// How much of its logs the dashboard and the live stream show.
    let logLimits = LogLimits.standard
    let snapshots = Mutex<[Int64: RunSnapshot]>([:])
    let queue: RunQueue
    let triggers: Triggers
    let tokens: TokenAuthority
    let secrets: SecretBox
    /// Decides jobs that name an environment (protection rules, reviews, secrets release).
    let desk: EnvironmentDesk
    let runsDirectory: URL
    /// How steps are confined (nil: `--isolation none`).
    let isolation: StepIsolation?
    /// Webhook bodies read at once before their signature is checked (bounds their memory).
    let webhookBodies = Permits(4)
    private let address = ServerAddress()
    /// Alerting: each repository's rules evaluated and notified (the `AlertService`), read by the API.
    let alerts: AlertDesk

    /// Opens (creating) the data directory and the database. `consumers` get the lifecycle events
    /// besides the server's own (the commit-status publisher).
    public init(configuration: ServerConfiguration, consumers: [any EventConsumer] = [], logger: Logger = Logger(label: "gaara.serve")) throws {
        self.configuration = configuration
        self.logger = logger
        let data = configuration.dataDirectory
        for folder in ["repos", "runs", "logs", "cache"] {
            try FileManager.default.createDirectory(at: data.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        // Keys, database, logs and repositories are the server's user's alone.
        chmod(data.path, 0o700)
        store = try Store(path: data.appendingPathComponent("gaara.db").path)
        for suffix in ["", "-wal", "-shm"] { chmod(data.appendingPathComponent("gaara.db" + suffix).path, 0o600) }
        isolation = try Self.makeIsolation(configuration)
        git = GitHost(root: data.appendingPathComponent("repos"), executable: configuration.executable, dataDirectory: data)
        logs = StepLogs(root: data.appendingPathComponent("logs"))
        tokens = TokenAuthority(store: store)
        secrets = try SecretBox(keyFile: data.appendingPathComponent("secrets.key"))
        _ = try Self.hookKey(dataDirectory: data)
        runsDirectory = data.appendingPathComponent("runs")
        let address = self.address
        let serverURL: @Sendable () -> String = { address.value }
        triggers = Triggers(store: store, git: git, serverURL: serverURL)
        deliveries = StoreDeliveryLog(store: store)
        let publisher = CommitStatusPublisher(
            baseURL: configuration.statusAPIURL, token: configuration.statusAPIToken,
            deliverer: Deliverer(log: deliveries, logger: logger))
        let events = EventBus(consumers: [publisher] + consumers)
        self.events = events
        desk = EnvironmentDesk(
            store: store, secrets: secrets, clock: configuration.clock, approvalTimeout: configuration.approvalTimeout, events: events,
            logger: logger)
        let executor = RunExecutor(
            store: store, git: git, logs: logs, notifier: notifier, runsDirectory: runsDirectory,
            cacheDirectory: data.appendingPathComponent("cache"), slots: JobLimiter(limit: configuration.maxParallelJobs),
            groups: ConcurrencyGroups(), secrets: secrets, desk: desk, events: events, logger: logger,
            toolDirectories: [URL(fileURLWithPath: configuration.executable).deletingLastPathComponent().path], serverURL: serverURL,
            killGrace: configuration.killGrace, isolation: isolation, stepMarker: try LeftoverProcesses.marker(dataDirectory: data))
        queue = RunQueue(executor: executor)
        let rollouts = RolloutDesk(
            store: store, git: git, desk: desk, root: data.appendingPathComponent("deploy"), executable: configuration.executable, logger: logger)
        alerts = AlertDesk(
            store: store, git: git, rollouts: rollouts, deliveries: deliveries, externalURL: { address.value.isEmpty ? nil : address.value },
            logger: logger)
    }

    /// The URL the server answers on (set once it listens).
    public var url: String { address.value }

    /// Recovers from an earlier crash, prints the first admin token, listens, and serves until
    /// SIGINT or SIGTERM. `onListening` gets the URL once the port is bound; `services` (the
    /// router of `--router-listen`, ...) run in the same service group and stop before the server's.
    public func run(onListening: @escaping @Sendable (String) -> Void = { _ in }, services: [any ServiceLifecycle.Service] = []) async throws {
        ProcessProtection.forbidInspection()
        let app = try await buildApplication(onListening: onListening, services: services)
        try await app.runService()
    }

    /// The composition root: recovers what the last stop left (step processes, runs marked
    /// running), makes the first admin token, and builds the application: the HTTP routes and,
    /// as services of its `ServiceGroup`, the event bus, the run queue, retention, the scheduler and
    /// `services`. Graceful shutdown runs in reverse: the HTTP server stops accepting, then
    /// `services`, the scheduler, retention, the run queue (every run records its end), and last
    /// the event bus (every queued event is consumed). Tests call it too (Hummingbird's testing).
    public func buildApplication(
        onListening: @escaping @Sendable (String) -> Void = { _ in }, services: [any ServiceLifecycle.Service] = []
    ) async throws -> some ApplicationProtocol {
        var leftovers = isolation?.cgroups?.killAll() ?? 0
        leftovers += LeftoverProcesses.kill(marker: try LeftoverProcesses.marker(dataDirectory: configuration.dataDirectory))
        if leftovers > 0 { logger.warning("stopped step processes left running by the last stop", metadata: ["count": "\(leftovers)"]) }
        let interrupted = try await store.recoverInterruptedRuns()
        if !interrupted.isEmpty {
            logger.warning(
                "marked runs interrupted by the last stop",
                metadata: ["count": "\(interrupted.count)", "run.ids": "\(interrupted.map(String.init).joined(separator: ","))"])
        }
        if let resealed = try await secrets.finishRotation(store: store) {
            logger.warning("finished a secret key rotation the last stop interrupted", metadata: ["resealed": "\(resealed)"])
        }
        let deliveries = try await store.recoverInterruptedDeliveries()
        if deliveries > 0 { logger.warning("marked deliveries the last stop cut short as failed", metadata: ["count": "\(deliveries)"]) }
        let deployments = try await store.recoverInterruptedDeployments()
        if deployments > 0 { logger.warning("marked deployments of interrupted runs as errors", metadata: ["count": "\(deployments)"]) }
        let rollouts = try await store.recoverInterruptedRollouts()
        if !rollouts.isEmpty {
            logger.warning("resuming or aborting rollouts the last stop interrupted", metadata: ["count": "\(rollouts.count)"])
        }
        if try await store.tokenCount() == 0 {
            let (token, _) = try await tokens.create(name: "admin", role: .admin)
            FileHandle.standardOutput.write(Data("gaara serve: admin token (shown once, keep it): \(token)\n".utf8))
        }
        for var repository in try await store.repositories() {
            try? git.installHook(URL(fileURLWithPath: repository.path))
            // Webhook secrets stored in clear by an earlier version are sealed like secrets.
            if let secret = repository.webhookSecret, !secret.hasPrefix("sealed:") {
                repository.webhookSecret = try secrets.sealText(secret)
                try await store.updateRepository(repository)
            }
        }
        var httpLogger = Logger(label: "gaara.serve.http")
        httpLogger.logLevel = configuration.verbose ? .info : .warning
        let router = buildRouter()
        let address = self.address
        let host = configuration.host
        let configuredPort = configuration.port
        let background: [any ServiceLifecycle.Service] = [
            EventBusService(bus: events), RunQueueService(queue: queue), retention, scheduler,
            AlertService(desk: alerts, interval: configuration.alertInterval),
        ]
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: configuredPort), serverName: "gaara"),
            services: background + services,
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? configuredPort
                let url = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
                address.value = url
                writeServerFile(url)
                await startQueued(interrupted)
                // In the background: the API answers meanwhile, and a new rollout of the same
                // environment waits for the environment's lock, so it starts after the recovery.
                if !rollouts.isEmpty { Task { await self.rollouts.recover(rollouts) } }
                onListening(url)
            }, eventLoopGroupProvider: .shared(eventLoops), logger: httpLogger)
    }

    /// The HTTP routes: API, webhooks, live events, dashboard, the OpenAPI document and `/healthz`.
    func buildRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        if configuration.verbose { router.add(middleware: LogRequestsMiddleware(.info)) }
        let registry = RouteRegistry()
        registerAPI(router, registry)
        registerEnvironmentAPI(router, registry)
        registerRolloutAPI(router, registry)
        registerAlertAPI(router, registry)
        registerWebhooks(router, registry)
        registerEvents(router, registry)
        registerRunsEvents(router, registry)
        registerDashboard(router)
        registerEnvironmentPages(router)
        registerMetricsPage(router)
        registerDeliveriesPage(router)
        registry.add(
            RouteDescription(
                method: .get, path: "/api/openapi.json", access: .anyone, summary: "This OpenAPI document", query: [], body: nil, response: "object",
                status: 200))
        registry.add(
            RouteDescription(
                method: .get, path: "/healthz", access: .anyone, summary: "Liveness", query: [], body: nil, response: "text", status: 200))
        let document = OpenAPIDocument.render(registry.routes)
        router.get("/api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: document)))
        }
        return router
    }

    /// The scheduler of `on.schedule` workflows.
    var scheduler: Scheduler {
        Scheduler(store: store, git: git, triggers: triggers, logger: logger) { [self] runs in await startAll(runs) }
    }

    /// The retention sweeper.
    var retention: Retention {
        Retention(
            store: store, runsDirectory: runsDirectory, cacheDirectory: configuration.dataDirectory.appendingPathComponent("cache"),
            artifactRetentionDays: configuration.artifactRetentionDays, cacheRetentionDays: configuration.cacheRetentionDays)
    }

    /// Starts the runs left queued (and, when asked, re-runs the interrupted ones).
    private func startQueued(_ interrupted: [Int64]) async {
        if configuration.requeueInterrupted {
            for id in interrupted { _ = try? await rerun(id, failedOnly: false, actor: "gaara[recovery]") }
        }
        for run in (try? await store.queuedRuns()) ?? [] { await queue.start(run.id!) }
    }

    /// Writes `server.json` (the URL and pid) for `gaara hook` and the CLI.
    private func writeServerFile(_ url: String) {
        if let data = try? APICoding.encode(ServerFileJSON(url: url, pid: Int(getpid()))) {
            try? data.write(to: configuration.dataDirectory.appendingPathComponent("server.json"), options: .atomic)
        }
    }

    /// Queues a re-run of a finished run (all its jobs, or only those that did not succeed).
    func rerun(_ runID: Int64, failedOnly: Bool, actor: String) async throws -> RunRecord {
        guard let original = try await store.run(id: runID) else { throw HTTPError(.notFound, message: "no run \(runID)") }
        guard original.status == .completed else { throw HTTPError(.conflict, message: "run \(runID) has not finished yet") }
        var onlyJobs: String?
        if failedOnly {
            let failed = Set(
                try await store.jobs(runID: runID).filter { $0.job.conclusion != .success && $0.job.conclusion != .skipped }.map(\.job.jobKey))
            guard !failed.isEmpty else { throw HTTPError(.conflict, message: "run \(runID) has no failed jobs") }
            onlyJobs = Triggers.json(failed.map { $0.split(separator: "/").first.map(String.init) ?? $0 }.sorted())
        }
        var record = RunRecord(
            repositoryID: original.repositoryID, workflowPath: original.workflowPath, workflowName: original.workflowName, event: original.event,
            ref: original.ref, sha: original.sha, actor: actor, inputsJSON: original.inputsJSON, payloadJSON: original.payloadJSON,
            changedFilesJSON: original.changedFilesJSON, attempt: original.attempt + 1, rerunOf: original.rerunOf ?? runID, onlyJobsJSON: onlyJobs)
        record = try await store.createRun(record)
        await startAll([record])
        return record
    }

    /// Starts the runs a trigger created.
    func startAll(_ runs: [RunRecord]) async {
        for run in runs where run.status == .queued {
            if let repository = try? await store.repository(id: run.repositoryID) {
                events.publish(LifecycleEvent(.runQueued(RunExecutor.reference(run, repository: repository, serverURL: url))))
            }
            notifier.notify(run.id!)
            await queue.start(run.id!)
        }
    }
}

/// Turns errors that are not HTTP errors into `500 {"error":{"message":…}}`, and bodiless HTTP
/// errors (unknown route, wrong method) into ones with a message.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            if error.body == nil {
                let message =
                    switch error.status.code {
                    case 404: "no such route: \(request.method.rawValue) \(request.uri.path)"
                    case 405: "\(request.method.rawValue) is not allowed on \(request.uri.path)"
                    case 413: "the request body is too large"
                    default: error.status.reasonPhrase
                    }
                throw HTTPError(error.status, headers: error.headers, message: message)
            }
            throw error
        } catch {
            throw HTTPError(.internalServerError, message: String(describing: error))
        }
    }
}

/// The URL the server listens on, once known.
final class ServerAddress: Sendable {
    private let state = Mutex<String>("")

    var value: String {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
