import Foundation
import GaaraAlertCore
import GaaraAlerts
import GaaraDeploy
import GaaraHTTP
import GaaraStore
import GaaraWorkflow
import Logging
import ServiceLifecycle

/// Alerting in `gaara serve`: every `interval`, each repository whose default branch has a
/// `.gaara/alerts.yml` or a `.gaara/deploy.yml` gets one cycle of its ``AlertLoop`` — its rules
/// (the guide's defaults without an alerts.yml) over its environments' routers and release records
/// and this machine — notifying through the server's delivery log with the repository's unscoped
/// secrets. A loop is made again when the default branch moves; its state (silences, how long each
/// alert has held, what each group last sent) is kept in the repository's `alerts` folder, so a
/// restart or a new commit neither forgets a `for` nor notifies twice.
actor AlertDesk {
    struct Watched {
        let sha: String
        let loop: AlertLoop
        /// This machine's samples, read once a cycle for every repository (two readings moments
        /// apart would give the second repository no CPU share).
        let machine: StaticMetricSource
    }

    let store: Store
    let git: GitHost
    let rollouts: RolloutDesk
    let deliveries: any DeliveryLog
    let externalURL: @Sendable () -> String?
    let logger: Logger
    let host = HostMetricsSource()
    private var watched: [String: Watched] = [:]
    private var lastPrune: [String: Int] = [:]
    /// The commit whose alerts.yml did not load, by repository (reported once).
    private var broken: [String: String] = [:]

    init(
        store: Store, git: GitHost, rollouts: RolloutDesk, deliveries: any DeliveryLog, externalURL: @escaping @Sendable () -> String?,
        logger: Logger
    ) {
        self.store = store
        self.git = git
        self.rollouts = rollouts
        self.deliveries = deliveries
        self.externalURL = externalURL
        self.logger = logger
    }

    /// The alerting state folder of `repository`.
    nonisolated func folder(_ repository: String) -> AlertStateFolder {
        AlertStateFolder(root: rollouts.root.appendingPathComponent(repository))
    }

    /// Every watched repository's latest samples and alerts for Prometheus, each series labelled
    /// with its `repository`.
    func exposition() async -> String {
        var sources: [(labels: AlertLabels, samples: [MetricSample], alerts: [Alert])] = []
        for (repository, entry) in watched.sorted(by: { $0.key < $1.key }) {
            sources.append((["repository": repository], await entry.loop.samples, await entry.loop.alerts))
        }
        return PrometheusExposition.render(labelled: sources)
    }

    /// The one-minute history of `repository`'s samples (for its Metrics page).
    nonisolated func rollups(_ repository: String) -> MetricRollups {
        MetricRollups(root: rollouts.root.appendingPathComponent(repository).appendingPathComponent("metrics"))
    }

    /// One cycle for every repository at `now`.
    func cycle(at now: Double) async {
        guard let repositories = try? await store.repositories() else { return }
        let machine = await host.samples()
        for repository in repositories {
            do {
                guard let watched = try await watched(repository) else { continue }
                await watched.machine.set(machine)
                let loop = watched.loop
                let folder = folder(repository.name)
                await loop.sync(silences: folder.silences())
                await loop.cycle(at: now)
                try folder.save(await loop.snapshot(at: now))
                let rollups = rollups(repository.name)
                // The service and host series: per-release and per-container ones come and go with
                // every deploy (Prometheus and the alerts have them live; kept, they would grow the
                // store by a dozen files a deploy).
                try rollups.record(await loop.samples.filter { !$0.metric.hasPrefix("release_") && !$0.metric.hasPrefix("container_") }, at: now)
                // Whole days go after the retention; once an hour is enough.
                if Int(now) / 3600 != lastPrune[repository.name] {
                    lastPrune[repository.name] = Int(now) / 3600
                    rollups.prune(at: now)
                }
            } catch {
                logger.warning("alerting skipped a repository", metadata: ["repository": "\(repository.name)", "error": "\(error)"])
            }
        }
    }

    /// The loop of `repository` at its default branch's head (made again when the head moved); nil
    /// when that commit has neither an alerts.yml nor a deploy.yml.
    private func watched(_ repository: RepositoryRecord) async throws -> Watched? {
        let bare = URL(fileURLWithPath: repository.path)
        guard let sha = await git.resolve(bare, "refs/heads/\(repository.defaultBranch)") else { return nil }
        if let current = watched[repository.name], current.sha == sha { return current }
        // A commit whose alerts.yml does not load is reported once, not every cycle.
        guard broken[repository.name] != sha else { return nil }
        let alertsText = try? await git.git(["show", "--end-of-options", "\(sha):.gaara/alerts.yml"], in: bare)
        let deployText = try? await git.git(["show", "--end-of-options", "\(sha):.gaara/deploy.yml"], in: bare)
        guard alertsText != nil || deployText != nil else {
            watched[repository.name] = nil
            return nil
        }
        var config = AlertConfig()
        if let alertsText {
            let loaded = AlertConfigLoader.load(text: alertsText, path: ".gaara/alerts.yml")
            guard let valid = loaded.config else {
                broken[repository.name] = sha
                watched[repository.name] = nil
                throw AlertDeskError("\(sha.prefix(12)): \(loaded.rendered)")
            }
            config = valid
        }
        let machine = StaticMetricSource()
        var sources: [any MetricSource] = [machine]
        if let deployText, let deploy = DeployConfigLoader.load(text: deployText, path: ".gaara/deploy.yml").config {
            for environment in deploy.environments where RolloutDesk.isFolderName(environment.name) {
                let folder = rollouts.folder(repository.name, environment.name)
                let admin = EnvironmentRouter.client(folder: folder.url.appendingPathComponent("router"))
                sources.append(
                    EnvironmentMetricSource(environment: environment.name, services: deploy.services.map(\.name), folder: folder, admin: admin))
                // Its hosts and containers; SSH hosts with the environment's key as it is at each cycle.
                let rollouts = rollouts
                let repositoryID = repository.id!
                sources.append(
                    EnvironmentHostsSource(environment: environment.name) {
                        // The secrets only matter for an SSH host's key: none are read for local hosts.
                        let local = environment.hosts.allSatisfy { $0 == "local" }
                        let variables =
                            local ? [:] : (try? await rollouts.variables(repositoryID: repositoryID, environment: environment.name)) ?? [:]
                        let deployer = LocalDeployer.routed(
                            config: deploy, environment: environment, repository: folder.url, folder: folder, admin: admin,
                            executable: rollouts.executable, variables: variables, log: { _ in })
                        return await deployer.hostReadings()
                    })
            }
        }
        let rollouts = rollouts
        let logger = logger
        let delivery = RepositoryAlertDelivery(
            config: config, deliveries: deliveries, externalURL: externalURL,
            variables: { try await rollouts.variables(repositoryID: repository.id!, environment: "") },
            log: { line in logger.warning("\(line)", metadata: ["repository": "\(repository.name)"]) })
        let loop = AlertLoop(config: config, sources: sources, delivery: delivery, restoring: folder(repository.name).state())
        let made = Watched(sha: sha, loop: loop, machine: machine)
        watched[repository.name] = made
        return made
    }
}

/// Why a repository's alerting was skipped (its alerts.yml does not load, say).
struct AlertDeskError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The desk as a service of `gaara serve`: a cycle every `interval` seconds until shutdown.
struct AlertService: ServiceLifecycle.Service {
    let desk: AlertDesk
    let interval: Double

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await desk.cycle(at: Date().timeIntervalSince1970)
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            }
        }
    }
}

/// A repository's notifications: its unscoped secrets are read at each delivery, so a secret set
/// after the rules were pushed (the Slack webhook, say) is used from the next notification.
struct RepositoryAlertDelivery: AlertDelivery {
    let config: AlertConfig
    let deliveries: any DeliveryLog
    let externalURL: @Sendable () -> String?
    let variables: @Sendable () async throws -> [String: String]
    let log: @Sendable (String) -> Void

    func deliver(_ notification: AlertNotification, at time: Date) async {
        let values: [String: String]
        do {
            values = try await variables()
        } catch {
            return log("warning: \(notification.title) was not sent: the repository's secrets could not be read: \(error)")
        }
        let notifier = AlertNotifier(config: config, variables: values, deliveries: deliveries, externalURL: externalURL(), log: log)
        await notifier.send(notification, at: time)
    }
}
